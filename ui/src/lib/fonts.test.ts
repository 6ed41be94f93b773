import { describe, expect, it } from "vitest";
import { markFontSource } from "./fonts";

describe("markFontSource", () => {
  it("marks WebKitGTK on Linux as fontconfig's", () => {
    const root = document.createElement("html");
    markFontSource(root, "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko)");
    expect(root.dataset.fonts).toBe("fontconfig");
  });

  it("leaves macOS's WebKit to the system font", () => {
    const root = document.createElement("html");
    markFontSource(root, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)");
    expect(root.dataset.fonts).toBeUndefined();
  });

  it("leaves Windows's WebView2 to the system font", () => {
    const root = document.createElement("html");
    markFontSource(root, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Edg/120.0");
    expect(root.dataset.fonts).toBeUndefined();
  });
});
