import { tagText, type TargetView } from "./api";

/** The fields a query matches against: every name and id a person might type, and the tags. */
const NAMED = [
  "alias",
  "account_name",
  "account_id",
  "role",
  "org",
  "subscription_name",
  "subscription_id",
  "tenant",
  "tenant_name",
  "project_name",
  "project_id",
  "cloud",
] as const satisfies readonly (keyof TargetView)[];
const FIELDS = [...NAMED.map((name) => (t: TargetView) => t[name]), tagText];

/** Letters after which a letter starts a word: space . _ - / */
function isSeparator(code: number): boolean {
  return code === 32 || code === 46 || code === 95 || code === 45 || code === 47;
}

/**
 * How well `word` matches `text` as a subsequence: null when it does not, else higher
 * for runs of consecutive letters and for letters at word starts.
 */
export function score(word: string, text: string): number | null {
  let total = 0;
  let run = 0;
  let from = 0;
  for (let i = 0; i < word.length; i++) {
    const at = text.indexOf(word[i] as string, from);
    if (at < 0) return null;
    run = at === from && from > 0 ? run + 1 : 0;
    const wordStart = at === 0 || isSeparator(text.charCodeAt(at - 1));
    total += 1 + run * 3 + (wordStart ? 3 : 0);
    from = at + 1;
  }
  return total;
}

/**
 * The characters of `text` as a bit set (a letter each, digits and the rest in shared
 * bits): a word can only match a text whose set holds all of the word's.
 */
function charSet(text: string): number {
  let set = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 97 && code <= 122) set |= 1 << (code - 97);
    else if (code >= 48 && code <= 57) set |= 1 << (26 + ((code - 48) % 5));
    else set |= 1 << 31;
  }
  return set;
}

/**
 * The targets' fields, lowercased and each distinct text stored once with its character
 * set, and a flat table of `FIELDS.length` slots per target naming its texts (-1: empty).
 * Many targets share texts (an account's roles, an org, a role name), so a search
 * scores each distinct text once per word.
 */
interface Table {
  texts: string[];
  sets: Int32Array;
  slots: Int32Array;
}

/** The table, built at the first search: an empty query (the launch) needs none of it. */
export class SearchIndex {
  private table: Table | null = null;

  constructor(readonly targets: TargetView[]) {}

  get built(): Table {
    if (this.table) return this.table;
    const known = new Map<string, number>();
    const texts: string[] = [];
    const slots = new Int32Array(this.targets.length * FIELDS.length).fill(-1);
    this.targets.forEach((t, at) => {
      FIELDS.forEach((field, slot) => {
        const value = field(t);
        if (typeof value !== "string" || value === "") return;
        const text = value.toLowerCase();
        let id = known.get(text);
        if (id === undefined) {
          id = texts.length;
          known.set(text, id);
          texts.push(text);
        }
        slots[at * FIELDS.length + slot] = id;
      });
    });
    this.table = { texts, sets: Int32Array.from(texts, charSet), slots };
    return this.table;
  }

  /**
   * Builds the table and runs one search, at idle after the list is shown: the
   * person's first keystroke then pays neither for the table nor for compiling the
   * search (a cold engine runs it several times slower).
   */
  prepare(): void {
    scoreWords(this, ["e"], null, null, 0);
  }
}

export function index(targets: TargetView[]): SearchIndex {
  return new SearchIndex(targets);
}

/** A search's result, with what the next keystroke's search can build on. */
interface Scored {
  /** Best first, and their positions in the index. */
  targets: TargetView[];
  positions: Int32Array;
  words: string[];
  /** For each hit, in order: the score of every word but the last, and of all. */
  allButLast: Float64Array;
  all: Float64Array;
}

/**
 * A sort key is one 32-bit number: 11 bits of rank (the score's distance from the top
 * one counted, so the best sort first) over 21 bits of position (ties in list order).
 */
const POSITION_BITS = 21;
const POSITION_MASK = (1 << POSITION_BITS) - 1;
/** Scores above this (queries of some 300 letters) rank alike. */
const TOP_SCORE = 2047;

/** Working memory reused by every search: typing allocates only what it returns. */
const scratch = { keys: new Uint32Array(0), allButLast: new Float64Array(0), memo: new Float64Array(0) };
/** In the memo: a text not scored yet for the word, and one the word does not match. */
const UNSCORED = -2;
const NO_MATCH = -1;

function wordsOf(query: string): string[] {
  return query.toLowerCase().split(/\s+/).filter(Boolean);
}

/**
 * Scores `words` from `from` on for the `candidates` (every target when null), adding
 * each one's `base` (the score of the words before `from`, by candidate), and keeps the
 * hits where every word matches within one field (a word never spans two), best first,
 * ties in list order.
 */
function scoreWords(
  idx: SearchIndex,
  words: string[],
  candidates: Int32Array | null,
  base: Float64Array | null,
  from: number,
): Scored {
  const wordSets = words.map(charSet);
  const { texts, sets, slots } = idx.built;
  const count = candidates ? candidates.length : idx.targets.length;
  if (scratch.keys.length < count) scratch.keys = new Uint32Array(count);
  if (scratch.allButLast.length < idx.targets.length) scratch.allButLast = new Float64Array(idx.targets.length);
  if (scratch.memo.length < texts.length * words.length) scratch.memo = new Float64Array(texts.length * words.length);
  // Each distinct text's score for each word, computed when first needed.
  const memo = scratch.memo;
  memo.fill(UNSCORED, 0, texts.length * words.length);
  // One number per hit, (best score first, then position), sorted natively: a search
  // matching all 10,000 targets must fit in a frame.
  const { keys, allButLast: allButLastAt } = scratch;
  let hits = 0;
  for (let k = 0; k < count; k++) {
    const at = candidates ? (candidates[k] as number) : k;
    const first = at * FIELDS.length;
    let sum = base ? (base[k] as number) : 0;
    let butLast = sum;
    let w = from;
    for (; w < words.length; w++) {
      if (w === words.length - 1) butLast = sum;
      const word = words[w] as string;
      const needs = wordSets[w] as number;
      const scores = w * texts.length;
      let top = NO_MATCH;
      for (let slot = first; slot < first + FIELDS.length; slot++) {
        const text = slots[slot] as number;
        if (text < 0) continue;
        let s = memo[scores + text] as number;
        if (s === UNSCORED) {
          s = (needs & ~(sets[text] as number)) !== 0 ? NO_MATCH : (score(word, texts[text] as string) ?? NO_MATCH);
          memo[scores + text] = s;
        }
        if (s > top) top = s;
      }
      if (top < 0) break;
      sum += top;
    }
    if (w === words.length) {
      keys[hits++] = ((TOP_SCORE - Math.min(sum, TOP_SCORE)) << POSITION_BITS) | at;
      allButLastAt[at] = butLast;
    }
  }
  const sorted = keys.subarray(0, hits).sort();
  const positions = new Int32Array(hits);
  const all = new Float64Array(hits);
  const allButLast = new Float64Array(hits);
  const targets = new Array<TargetView>(hits);
  for (let i = 0; i < hits; i++) {
    const key = sorted[i] as number;
    const at = key & POSITION_MASK;
    positions[i] = at;
    all[i] = TOP_SCORE - (key >>> POSITION_BITS);
    allButLast[i] = allButLastAt[at] as number;
    targets[i] = idx.targets[at] as TargetView;
  }
  return { targets, positions, words, allButLast, all };
}

/**
 * The targets where every word of `query` matches within one of their fields, best
 * first, ties in list order; all of them, in order, for an empty query.
 */
export function search(idx: SearchIndex, query: string): TargetView[] {
  const words = wordsOf(query);
  return words.length === 0 ? idx.targets : scoreWords(idx, words, null, null, 0).targets;
}

/**
 * Searches as a person types. A query that extends the last one can only match what
 * that one matched, and shares its finished words: only those matches are searched,
 * and only for the words that changed, which keeps each keystroke within a frame.
 */
export function typingSearch(idx: SearchIndex): (query: string) => TargetView[] {
  let last: Scored | null = null;
  return (query) => {
    const words = wordsOf(query);
    if (words.length === 0) {
      last = null;
      return idx.targets;
    }
    const before = last?.words ?? [];
    const same = (n: number) => before.slice(0, n).every((word, i) => words[i] === word);
    const n = before.length;
    if (last !== null && words.length === n && same(n)) return last.targets;
    const lastWordGrew =
      n > 0 && words.length === n && same(n - 1) && (words[n - 1] as string).startsWith(before[n - 1] as string);
    if (last !== null && lastWordGrew) {
      // The last word grew: the words before it are scored already.
      last = scoreWords(idx, words, last.positions, last.allButLast, n - 1);
    } else if (last !== null && n > 0 && words.length > n && same(n)) {
      // New words after finished ones.
      last = scoreWords(idx, words, last.positions, last.all, n);
    } else {
      last = scoreWords(idx, words, null, null, 0);
    }
    return last.targets;
  };
}
