import { formatDuration, t } from "./i18n/index.svelte";

/** "2 h 05 min left", "12 min left", "expired", or "not signed in". */
export function timeLeft(expiresAt: number | null, now: number): string {
  const words = t().time;
  if (expiresAt === null) return words.notSignedIn;
  const seconds = expiresAt - now;
  if (seconds <= 0) return words.expired;
  return words.left(formatDuration(seconds));
}

/** Sessions are announced this long before they end. */
export const WARN_BEFORE_SECS = 15 * 60;

export function endsSoon(expiresAt: number | null, now: number): boolean {
  if (expiresAt === null) return false;
  const left = expiresAt - now;
  return left > 0 && left <= WARN_BEFORE_SECS;
}

/** A sign-in whose known end is this close must be redone by a person (a week). */
export const SIGN_IN_DUE_SECS = 7 * 24 * 3600;

export function signInDue(signInEndsAt: number | null | undefined, now: number): boolean {
  return signInEndsAt != null && signInEndsAt - now < SIGN_IN_DUE_SECS;
}

/** "within 6 days", "within 1 day", "now": when the sign-in must be redone. */
export function signInWhen(signInEndsAt: number, now: number): string {
  return t().time.signInWhen(Math.ceil((signInEndsAt - now) / 86_400));
}

/** "sign in within 6 days", "sign in within 1 day", "sign in now". */
export function signInWithin(signInEndsAt: number, now: number): string {
  return t().time.signInWithin(signInWhen(signInEndsAt, now));
}
