import { parse } from "svelte/compiler";
import { describe, expect, it } from "vitest";

/** The attributes a person reads or hears. */
const READ_ATTRIBUTES = new Set(["aria-label", "placeholder", "title", "alt"]);

/** Words no language translates: the product's name. */
const SAME_IN_EVERY_LANGUAGE = new Set(["Kumo"]);

interface Node {
  type?: string;
  [key: string]: unknown;
}

/** Whether the text holds a word (any script's letter) that is not a name kept as it is. */
function wordy(text: string): boolean {
  return /\p{L}/u.test(text) && !SAME_IN_EVERY_LANGUAGE.has(text.trim());
}

/** The strings an expression can show as it is: the literals it may evaluate to. A call's
 * arguments are data for the call (t()'s messages take names, not words). */
function shownLiterals(expression: Node): string[] {
  switch (expression.type) {
    case "Literal":
      return typeof expression.value === "string" ? [expression.value] : [];
    case "TemplateLiteral":
      return (expression.quasis as { value: { cooked: string } }[]).map((q) => q.value.cooked);
    case "ConditionalExpression":
      return [...shownLiterals(expression.consequent as Node), ...shownLiterals(expression.alternate as Node)];
    case "LogicalExpression":
    case "BinaryExpression":
      return [...shownLiterals(expression.left as Node), ...shownLiterals(expression.right as Node)];
    default:
      return [];
  }
}

/** The words written into a component's template rather than taken from the dictionary. */
function untranslated(source: string): string[] {
  const found: string[] = [];
  const note = (text: string) => {
    if (wordy(text)) found.push(text.trim());
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== "object") return;
    const node = value as Node;
    switch (node.type) {
      case "Text":
        return note(node.data as string);
      case "ExpressionTag":
        return shownLiterals(node.expression as Node).forEach(note);
      case "Attribute":
        if (READ_ATTRIBUTES.has(node.name as string) && node.value !== true) visit(node.value);
        return;
      case "SpreadAttribute":
      case "BindDirective":
      case "OnDirective":
      case "ClassDirective":
      case "StyleDirective":
      case "UseDirective":
      case "TransitionDirective":
      case "AnimateDirective":
      case "LetDirective":
      case "AttachTag":
        return;
    }
    Object.values(node).forEach(visit);
  };
  visit(parse(source, { modern: true }).fragment);
  return found;
}

const components = import.meta.glob<string>("/src/**/*.svelte", { query: "?raw", import: "default", eager: true });

describe("the untranslated-string check", () => {
  it("reports a text and a placeholder written in a template", () => {
    expect(untranslated(`<p>Hello</p><input placeholder="Search" />`)).toEqual(["Hello", "Search"]);
  });

  it("reports words in an attribute around a value, and in a template's expressions", () => {
    const source = `<section aria-label="Actions for {name}">{busy ? "Saving…" : \`Save \${n}\`}{a || "none"}</section>`;
    expect(untranslated(source)).toEqual(["Actions for", "Saving…", "Save", "none"]);
  });

  it("accepts the dictionary's words, symbols, punctuation and the product's name", () => {
    const source = `<h1>Kumo</h1><button aria-label={t().star(id)} class="star">{on ? "★" : "☆"}</button> · ↑↓ {n}: ✓`;
    expect(untranslated(source)).toEqual([]);
  });

  it("leaves attributes nobody reads alone", () => {
    expect(untranslated(`<button type="button" class="primary" data-kind="console">{t().open}</button>`)).toEqual([]);
  });

  it("finds the components", () => {
    expect(Object.keys(components)).toContain("/src/App.svelte");
    expect(Object.keys(components)).toContain("/src/lib/MainScreen.svelte");
  });
});

describe("every component", () => {
  it.each(Object.entries(components))("%s takes its words from the dictionary", (_file, source) => {
    expect(untranslated(source)).toEqual([]);
  });
});
