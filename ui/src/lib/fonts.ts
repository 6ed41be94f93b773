/**
 * Names the page's font source for app.css: on Linux (WebKitGTK) the desktop's fonts
 * come from fontconfig, whose `sans-serif` is the desktop font. Set before the first
 * layout.
 */
export function markFontSource(root: HTMLElement, userAgent: string): void {
  if (/\bLinux\b/.test(userAgent) && !/\bAndroid\b/.test(userAgent)) root.dataset.fonts = "fontconfig";
}
