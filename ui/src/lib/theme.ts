/** Light or dark as Settings choose; "system" follows the desktop (prefers-color-scheme). */
export function applyTheme(theme: string | undefined): void {
  const root = document.documentElement;
  if (theme === "light" || theme === "dark") root.dataset.theme = theme;
  else delete root.dataset.theme;
}
