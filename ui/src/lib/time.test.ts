import { describe, expect, it } from "vitest";
import { endsSoon, timeLeft } from "./time";

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

  it("announces only the last fifteen minutes", () => {
    expect(endsSoon(1000 + 15 * 60, 1000)).toBe(true);
    expect(endsSoon(1000 + 15 * 60 + 1, 1000)).toBe(false);
    expect(endsSoon(999, 1000)).toBe(false);
  });
});
