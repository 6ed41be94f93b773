import { afterEach, describe, expect, it } from "vitest";
import { setLocale } from "./i18n/index.svelte";
import { endsSoon, signInWithin, timeLeft } from "./time";

afterEach(() => setLocale("en"));

describe("time left", () => {
  it("reads in hours and minutes", () => {
    expect(timeLeft(1000 + 2 * 3600 + 5 * 60, 1000)).toBe("2 h 05 min left");
  });

  it("reads in minutes under an hour", () => {
    expect(timeLeft(1000 + 12 * 60 + 59, 1000)).toBe("12 min left");
  });

  it("says expired and not signed in", () => {
    expect(timeLeft(999, 1000)).toBe("expired");
    expect(timeLeft(null, 1000)).toBe("not signed in");
  });

  it("reads in Japanese", () => {
    setLocale("ja");
    expect(timeLeft(1000 + 2 * 3600 + 5 * 60, 1000)).toBe("残り 2 時間 05 分");
    expect(timeLeft(null, 1000)).toBe("未サインイン");
  });

  it("announces only the last fifteen minutes", () => {
    expect(endsSoon(1000 + 15 * 60, 1000)).toBe(true);
    expect(endsSoon(1000 + 15 * 60 + 1, 1000)).toBe(false);
    expect(endsSoon(999, 1000)).toBe(false);
  });
});

describe("sign in within", () => {
  it("counts the days a registration has left, rounded up", () => {
    expect(signInWithin(1000 + 6 * 86_400 - 60, 1000)).toBe("sign in within 6 days");
    expect(signInWithin(1000 + 3600, 1000)).toBe("sign in within 1 day");
  });

  it("says now once the registration has ended", () => {
    expect(signInWithin(1000, 1000)).toBe("sign in now");
  });
});
