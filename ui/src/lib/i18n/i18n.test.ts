import { afterEach, describe, expect, it, vi } from "vitest";
import { en } from "./en";
import { ja } from "./ja";
import { formatDateTime, formatDuration, locale, setLocale, t } from "./index.svelte";

afterEach(() => setLocale("en"));

type Dictionary = { [key: string]: string | ((...args: unknown[]) => string) | Dictionary };

/** Every message of a dictionary by its dotted key. */
function messages(dictionary: Dictionary, prefix = ""): Map<string, string | ((...args: unknown[]) => string)> {
  const found = new Map<string, string | ((...args: unknown[]) => string)>();
  for (const [key, value] of Object.entries(dictionary)) {
    const path = prefix + key;
    if (typeof value === "object") messages(value, `${path}.`).forEach((v, k) => found.set(k, v));
    else found.set(path, value);
  }
  return found;
}

const english = messages(en as unknown as Dictionary);
const japanese = messages(ja as unknown as Dictionary);

/** Words Japanese writes as English does: product names. */
const SAME_IN_JAPANESE = new Set([
  "onboarding.awsOrg",
  "api.googleCloud",
  "details.id",
  // Each language is named in its own words, in both lists.
  "settings.english",
  "settings.japanese",
]);

describe("the locale", () => {
  it.each([
    ["ja", "ja"],
    ["ja_JP.UTF-8", "ja"],
    ["ja-JP", "ja"],
    ["en-US", "en"],
    ["en-GB", "en"],
    ["fr_FR.UTF-8", "en"],
    ["C", "en"],
    ["", "en"],
    [null, "en"],
    [undefined, "en"],
  ])("reads %j as %j", (name, expected) => {
    setLocale(name);
    expect(locale()).toBe(expected);
  });

  it("gives the page its language", () => {
    setLocale("ja_JP.UTF-8");
    expect(document.documentElement.lang).toBe("ja");
    setLocale("en-GB");
    expect(document.documentElement.lang).toBe("en");
  });

  it("gives the dictionary of the language", () => {
    setLocale("ja");
    expect(t()).toBe(ja);
    setLocale("en");
    expect(t()).toBe(en);
  });
});

describe("the dictionaries", () => {
  it("hold the same keys at every depth", () => {
    expect([...japanese.keys()].sort()).toEqual([...english.keys()].sort());
  });

  it("make a message of the same kind in both: a string, or a function of as many values", () => {
    for (const [key, message] of english) {
      const other = japanese.get(key);
      expect(typeof other, key).toBe(typeof message);
      if (typeof message === "function") expect((other as () => string).length, key).toBe(message.length);
    }
  });

  it("have no empty Japanese message", () => {
    for (const [key, message] of japanese) {
      if (typeof message === "string") expect(message.trim(), key).not.toBe("");
    }
  });

  it("put every value of a message into its Japanese and its English", () => {
    for (const [key, message] of english) {
      if (typeof message !== "function") continue;
      const translated = japanese.get(key) as (...args: unknown[]) => string;
      for (const sample of [(i: number) => `ARG${i}`, (i: number) => 7001 + i]) {
        const args = Array.from({ length: message.length }, (_, i) => sample(i));
        for (const arg of args) {
          expect(message(...args), key).toContain(String(arg));
          expect(translated(...args), key).toContain(String(arg));
        }
      }
    }
  });

  it("translate every message but product names", () => {
    const untranslated = [...english]
      .filter(([key, message]) => typeof message === "string" && japanese.get(key) === message)
      .map(([key]) => key);
    expect(untranslated.filter((key) => !SAME_IN_JAPANESE.has(key))).toEqual([]);
  });
});

describe("formatting", () => {
  it("falls back to the language's own form where the webview's locale is no locale tag", () => {
    // WebKitGTK under LANG=C names its language "c".
    const language = vi.spyOn(navigator, "language", "get").mockReturnValue("c");
    try {
      expect(formatDuration(12 * 60)).toBe("12 min");
      expect(formatDateTime(Date.UTC(2027, 0, 15, 12) / 1000)).toMatch(/^1\/1[456]\/2027, /);
    } finally {
      language.mockRestore();
    }
  });

  it("writes a time left in hours and minutes in each language", () => {
    expect(formatDuration(2 * 3600 + 5 * 60 + 59)).toBe("2 h 05 min");
    setLocale("ja");
    expect(formatDuration(2 * 3600 + 5 * 60 + 59)).toBe("2 時間 05 分");
    expect(formatDuration(12 * 60)).toBe("12 分");
  });

  it("writes a date as the language does", () => {
    const moment = Date.UTC(2027, 0, 15, 12) / 1000;
    expect(formatDateTime(moment)).toMatch(/^1\/1[456]\/2027, /);
    setLocale("ja");
    expect(formatDateTime(moment)).toMatch(/^2027\/1\/1[456] /);
  });
});

describe("plurals in English", () => {
  it("name one thing in the singular and others in the plural", () => {
    expect(en.mainScreen.endpointOverrides(1)).toMatch(/^1 endpoint override in effect/);
    expect(en.mainScreen.endpointOverrides(2)).toMatch(/^2 endpoint overrides in effect/);
    expect(en.time.signInWhen(1)).toBe("within 1 day");
    expect(en.time.signInWhen(6)).toBe("within 6 days");
  });
});
