import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { afterEach, describe, expect, it } from "vitest";
import Palette from "./Palette.svelte";
import { aws, serve } from "../test-ipc";
import { setLocale } from "./i18n/index.svelte";

const targets = Array.from({ length: 12 }, (_, i) =>
  aws(String(100000000000 + i), i % 2 ? "ReadOnlyAccess" : "AdministratorAccess"),
);
const settings = {
  theme: "system",
  isolate: true,
  shortcut: "CmdOrCtrl+Alt+K",
  locale: "en",
  browsers_found: [],
  opens_in: null,
};

afterEach(() => {
  cleanup();
  clearMocks();
  setLocale("en");
});

function start(handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  const calls = serve({ palette_targets: () => targets, settings: () => settings, hide_palette: () => null, ...handlers });
  render(Palette);
  return calls;
}

const field = () => screen.getByRole("searchbox", { name: "Search targets" });
const results = () => within(screen.getByRole("listbox")).queryAllByRole("option");

describe("the palette", () => {
  it("shows a focused search field and the best eight targets, nothing else", async () => {
    start();
    await waitFor(() => expect(results()).toHaveLength(8));
    expect(field()).toHaveFocus();
    expect(screen.queryByRole("button")).toBeNull();
  });

  it("narrows as the person types", async () => {
    start();
    await waitFor(() => expect(results()).toHaveLength(8));
    await fireEvent.input(field(), { target: { value: "100000000003" } });
    expect(results().map((r) => r.dataset.id)).toEqual(["aws:acme/100000000003/ReadOnlyAccess"]);
  });

  it("opens the selected target's console on Enter, then hides", async () => {
    const calls = start({ open_console: () => null });
    await waitFor(() => expect(results()).toHaveLength(8));
    await fireEvent.keyDown(field(), { key: "ArrowDown" });
    await fireEvent.keyDown(field(), { key: "Enter" });
    await waitFor(() => expect(calls.map((c) => c.cmd)).toContain("hide_palette"));
    expect(calls.find((c) => c.cmd === "open_console")?.args).toEqual({ id: targets[1]?.id });
  });

  it("keeps the best match selected under a resting pointer, and follows one that moves", async () => {
    start();
    await waitFor(() => expect(results()).toHaveLength(8));
    const third = results()[2] as HTMLElement;
    await fireEvent.mouseMove(third, { screenX: 300, screenY: 200 });
    expect(results()[0]).toHaveAttribute("aria-selected", "true");
    await fireEvent.mouseMove(third, { screenX: 305, screenY: 204 });
    expect(third).toHaveAttribute("aria-selected", "true");
  });

  it("hides on Escape", async () => {
    const calls = start();
    await waitFor(() => expect(results()).toHaveLength(8));
    await fireEvent.keyDown(field(), { key: "Escape" });
    expect(calls.map((c) => c.cmd)).toContain("hide_palette");
  });

  it("sends a privileged target to the main window, which asks for the reason", async () => {
    const calls = start({
      open_console: () => Promise.reject({ message: "needs an elevation", next: { kind: "elevate", target: "x" } }),
      show_main: () => null,
    });
    await waitFor(() => expect(results()).toHaveLength(8));
    await fireEvent.keyDown(field(), { key: "Enter" });
    expect(await screen.findByRole("alert")).toHaveTextContent("Could not open name-100000000000: needs an elevation");
    await fireEvent.click(screen.getByRole("button", { name: "Open Kumo" }));
    expect(calls.map((c) => c.cmd)).toContain("show_main");
    expect(calls.map((c) => c.cmd)).not.toContain("hide_palette");
  });

  it("starts a new search each time it is shown, in the language Settings chose", async () => {
    let locale = "en";
    start({ settings: () => ({ ...settings, locale }) });
    await waitFor(() => expect(results()).toHaveLength(8));
    await fireEvent.input(field(), { target: { value: "ReadOnly" } });
    locale = "ja";
    await emit("palette-shown");
    await waitFor(() => expect(screen.getByRole("searchbox", { name: "ターゲットを検索" })).toHaveValue(""));
    expect(results()).toHaveLength(8);
  });
});
