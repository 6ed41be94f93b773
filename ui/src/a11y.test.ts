import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import axe from "axe-core";
import { afterEach, describe, expect, it } from "vitest";
import App from "./App.svelte";
import Palette from "./lib/Palette.svelte";
import { setLocale } from "./lib/i18n/index.svelte";
import { aws, overviewOf, serve, unchanged } from "./test-ipc";

const targets = [
  aws("111111111111", "AdministratorAccess", { privileged: true, starred: true }),
  aws("222222222222", "ReadOnlyAccess", { last_opened: 1_799_999_000, opens: 2 }),
];
const settings = {
  theme: "system" as const,
  isolate: true,
  shortcut: "CmdOrCtrl+Alt+K",
  locale: "en",
  browsers_found: ["firefox"],
  opens_in: "firefox",
};

/**
 * Controls a pointer reaches that the keyboard need not: each has a key that does the
 * same from the search field (Enter opens, Ctrl+K is the row's ⋯, Ctrl+S stars).
 */
const POINTER_ONLY = new Set(["open", "more", "star"]);

afterEach(() => {
  cleanup();
  clearMocks();
  setLocale("en");
});

/** axe's checks that a DOM without layout can answer: names, roles, labels, ARIA. */
async function violations(): Promise<string[]> {
  const result = await axe.run(document.body, {
    rules: { "color-contrast": { enabled: false }, region: { enabled: false } },
  });
  return result.violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")} (${v.help})`));
}

/** Every control of the page: named, and either focusable or with a key that does its work. */
function unreachable(): string[] {
  const controls = document.querySelectorAll<HTMLElement>(
    "button, input, select, textarea, a[href], [role^=menuitem], [role=option]",
  );
  return Array.from(controls)
    .filter((c) => !(c as HTMLButtonElement).disabled)
    .filter((c) => c.tabIndex < 0 && c.getAttribute("role") !== "option")
    .filter((c) => ![...c.classList].some((k) => POINTER_ONLY.has(k)))
    .filter((c) => !c.closest("[role=menu]"))
    .map((c) => c.outerHTML.slice(0, 80));
}

async function mainScreen(): Promise<void> {
  serve({
    overview: () =>
      overviewOf(targets, {
        settings,
        elevations: [],
        errors: [{ source: "Azure tenant `acme`", message: "not signed in", next: { kind: "sign_in", provider: "azure", name: "acme" } }],
      }),
    refresh: () => unchanged(targets),
    target_details: () => ({ expires_at: null }),
    settings: () => settings,
    activity: () => [{ time: 1_800_000_000, kind: "console", target: null, actor: null, message: "opened" }],
    doctor: () => ({ version: "0.1.0", checks: [] }),
  });
  render(App);
  await screen.findByRole("complementary", { name: "Details" });
}

describe("for a screen reader and a keyboard", () => {
  it("the main screen names every control and reaches each by keyboard", async () => {
    await mainScreen();
    expect(await violations()).toEqual([]);
    expect(unreachable()).toEqual([]);
  });

  it("the action menu and its sub-menus name every item", async () => {
    await mainScreen();
    await fireEvent.keyDown(screen.getByRole("searchbox"), { key: "k", ctrlKey: true });
    expect(await violations()).toEqual([]);
    for (const sub of ["Open in…", "Open a service…", "Colour…", "Set alias…"]) {
      await fireEvent.click(screen.getByRole("menuitem", { name: sub }));
      expect(await violations(), sub).toEqual([]);
      await fireEvent.keyDown(document.querySelector(".action-menu") as HTMLElement, { key: "Escape" });
    }
  });

  it("settings, diagnostics and the activity name every control", async () => {
    await mainScreen();
    await fireEvent.click(screen.getByRole("button", { name: "Settings" }));
    await screen.findByRole("combobox", { name: "Language" });
    await fireEvent.click(screen.getByRole("button", { name: "Activity" }));
    await screen.findByRole("region", { name: "Activity" });
    expect(await violations()).toEqual([]);
    expect(unreachable()).toEqual([]);
    await fireEvent.click(screen.getByRole("button", { name: "Diagnostics" }));
    await screen.findByRole("heading", { name: "This machine" });
    expect(await violations()).toEqual([]);
  });

  it("the onboarding, the keychain's screen and the error screen name every control", async () => {
    serve({ overview: () => overviewOf([], { configured: false }) });
    render(App);
    await screen.findByRole("heading", { name: "Welcome to Kumo" });
    expect(await violations()).toEqual([]);
    cleanup();
    serve({ overview: () => overviewOf(targets, { keychain: { kind: "locked" } }) });
    render(App);
    await screen.findByRole("button", { name: "Unlock" });
    expect(await violations()).toEqual([]);
    expect(unreachable()).toEqual([]);
    cleanup();
    serve({ overview: () => Promise.reject("broken") });
    render(App);
    await screen.findByRole("button", { name: "Try again" });
    expect(await violations()).toEqual([]);
  });

  it("the palette names its field and its results", async () => {
    serve({ palette_targets: () => targets, settings: () => settings });
    render(Palette);
    await waitFor(() => expect(screen.getAllByRole("option")).toHaveLength(2));
    expect(await violations()).toEqual([]);
  });

  it("the same holds in Japanese", async () => {
    setLocale("ja");
    await mainScreen();
    expect(await violations()).toEqual([]);
  });
});
