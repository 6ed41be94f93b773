/**
 * The arrow keys over a list of `count` results, as the main window and the palette
 * take them: the selection after the key, or null when the key is not an arrow (the
 * caller handles it). An arrow's own default (moving the caret) is prevented.
 */
export function arrowed(e: KeyboardEvent, selected: number, count: number): number | null {
  if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return null;
  e.preventDefault();
  return e.key === "ArrowDown" ? Math.min(count - 1, selected + 1) : Math.max(0, selected - 1);
}
