import { en, type Messages } from "./en";
import { ja } from "./ja";

export type Locale = "en" | "ja";

const DICTIONARIES: Record<Locale, Messages> = { en, ja };

/** The language Kumo speaks for a locale as an OS or a browser names it ("ja_JP.UTF-8",
 * "en-GB", "C"): its own, when Kumo speaks it, else English. */
function localeOf(name: string | null | undefined): Locale {
  const language = (name ?? "").split(/[-_.@]/)[0]?.toLowerCase() ?? "";
  return Object.hasOwn(DICTIONARIES, language) ? (language as Locale) : "en";
}

let current: Locale = $state("en");

export function setLocale(name: string | null | undefined): void {
  current = localeOf(name);
  // Screen readers and the fonts' CJK forms follow the page's language.
  document.documentElement.lang = current;
}

export function locale(): Locale {
  return current;
}

/** The current language's words: a template that reads them shows the next language's too. */
export function t(): Messages {
  return DICTIONARIES[current];
}

/** Dates and numbers in the browser's regional form (en-GB's 15/01/2027) when it speaks
 * the UI's language, else in the language's own. */
function formatLocale(): string {
  return localeOf(navigator.language) === current && isLocaleTag(navigator.language) ? navigator.language : current;
}

/** Whether Intl takes `tag`: WebKitGTK without a locale says "c" or "", which it refuses. */
function isLocaleTag(tag: string): boolean {
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/** A moment, epoch seconds, as the locale writes a date and a time. */
export function formatDateTime(epochSecs: number): string {
  return new Intl.DateTimeFormat(formatLocale(), {
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    second: "2-digit",
  }).format(epochSecs * 1000);
}

/** A span of time to the minute: "2 h 05 min", "12 min". */
export function formatDuration(seconds: number): string {
  const minutes = Math.floor(seconds / 60);
  const digits = (n: number, width = 1) =>
    new Intl.NumberFormat(formatLocale(), { minimumIntegerDigits: width }).format(n);
  const words = t().time;
  if (minutes < 60) return words.minutes(digits(minutes));
  return words.hoursMinutes(digits(Math.floor(minutes / 60)), digits(minutes % 60, 2));
}

// Until the Rust side names the language (Overview.locale), the webview's guess.
setLocale(navigator.language);
