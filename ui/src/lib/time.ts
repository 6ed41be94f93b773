/** "2 h 05 min left", "12 min left", "expired", or "not signed in". */
export function timeLeft(expiresAt: number | null, now: number): string {
  if (expiresAt === null) return "not signed in";
  const seconds = expiresAt - now;
  if (seconds <= 0) return "expired";
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min left`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min left`;
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

/** "sign in within 6 days", "sign in within 1 day", "sign in now". */
export function signInWithin(signInEndsAt: number, now: number): string {
  const days = Math.ceil((signInEndsAt - now) / 86_400);
  if (days <= 0) return "sign in now";
  return `sign in within ${days} ${days === 1 ? "day" : "days"}`;
}
