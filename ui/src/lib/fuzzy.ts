import type { TargetView } from "./api";

/** The fields a query matches against: every name and id a person might type. */
export function fields(t: TargetView): string[] {
  return [
    t.alias,
    t.account_name,
    t.account_id,
    t.role,
    t.org,
    t.subscription_name,
    t.subscription_id,
    t.tenant,
    t.tenant_name,
    t.project_name,
    t.project_id,
    t.cloud,
  ]
    .filter((part): part is string => Boolean(part))
    .map((part) => part.toLowerCase());
}

/**
 * How well `word` matches `text` as a subsequence: null when it does not, else higher
 * for runs of consecutive letters and for letters at word starts.
 */
export function score(word: string, text: string): number | null {
  let total = 0;
  let run = 0;
  let from = 0;
  for (const ch of word) {
    const at = text.indexOf(ch, from);
    if (at < 0) return null;
    run = at === from && from > 0 ? run + 1 : 0;
    const wordStart = at === 0 || " ._-/".includes(text[at - 1] ?? " ");
    total += 1 + run * 3 + (wordStart ? 3 : 0);
    from = at + 1;
  }
  return total;
}

/** An index of the targets' lowercased fields, built once per list. */
export interface SearchIndex {
  targets: TargetView[];
  fields: string[][];
}

export function index(targets: TargetView[]): SearchIndex {
  return { targets, fields: targets.map(fields) };
}

/** The word's best score in any one field: a word never spans two fields. */
function best(word: string, texts: string[]): number | null {
  let top: number | null = null;
  for (const text of texts) {
    const s = score(word, text);
    if (s !== null && (top === null || s > top)) top = s;
  }
  return top;
}

/** A search's result: the targets, and their positions in the index. */
export interface Found {
  targets: TargetView[];
  positions: number[];
}

/**
 * The targets where every word of `query` matches within one of their fields, best first
 * (ties keep list order); all of them, in order, for an empty query. `within` limits the
 * search to those positions: a query that extends the previous one can only match a
 * subset of what that one matched, which keeps typing fast in long lists.
 */
export function search(idx: SearchIndex, query: string, within?: number[]): Found {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) {
    return { targets: idx.targets, positions: idx.targets.map((_, i) => i) };
  }
  const hits: { at: number; score: number }[] = [];
  const candidates = within ?? idx.targets.map((_, i) => i);
  for (const at of candidates) {
    const texts = idx.fields[at] ?? [];
    let sum = 0;
    let matched = true;
    for (const word of words) {
      const s = best(word, texts);
      if (s === null) {
        matched = false;
        break;
      }
      sum += s;
    }
    if (matched) hits.push({ at, score: sum });
  }
  hits.sort((a, b) => b.score - a.score || a.at - b.at);
  return {
    targets: hits.map((h) => idx.targets[h.at] as TargetView),
    positions: hits.map((h) => h.at),
  };
}

/** Searches as a person types: each query narrows the previous one's matches when it extends it. */
export function typingSearch(idx: SearchIndex): (query: string) => TargetView[] {
  let last: { query: string; found: Found } | null = null;
  return (query) => {
    const extendsLast = last !== null && last.query.trim() !== "" && query.startsWith(last.query);
    const found = search(idx, query, extendsLast && last ? last.found.positions : undefined);
    last = { query, found };
    return found.targets;
  };
}
