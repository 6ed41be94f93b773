import { render, screen, fireEvent, cleanup, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import App from "./App.svelte";
import type { Check, DoctorReport } from "./lib/doctor";
import { setLocale } from "./lib/i18n/index.svelte";
import { aws, overviewOf, serve, unchanged } from "./test-ipc";

function check(id: Check["id"], title: string, overrides: Partial<Check> = {}): Check {
  return { id, title, status: "ok", summary: `${title} is fine`, details: [], fix: null, ...overrides };
}

const healthy: DoctorReport = {
  version: "0.1.0",
  checks: [
    check("config", "Config file", { details: ["AWS org `acme`: https://acme.awsapps.com/start (eu-west-1)"] }),
    check("keychain", "Keychain"),
    check("browser", "Browser"),
    check("endpoints", "Endpoint overrides"),
  ],
};

const targets = [aws("111111111111", "Admin")];

afterEach(() => {
  cleanup();
  clearMocks();
  setLocale("en");
});

describe("the app at launch", () => {
  it("shows a loading status until the overview arrives", () => {
    serve({ overview: () => new Promise(() => {}) });
    render(App);
    expect(screen.getByRole("status")).toHaveTextContent("Loading your targets…");
  });

  it("shows the overview main.ts asked for before mounting, without asking again", async () => {
    const calls = serve({ refresh: () => unchanged(targets) });
    render(App, { props: { launch: Promise.resolve(overviewOf(targets)) } });
    expect(await screen.findByText("name-111111111111", { selector: ".name" })).toBeInTheDocument();
    expect(calls.map((c) => c.cmd)).not.toContain("overview");
  });

  it("opens on the list when something is configured", async () => {
    serve({ overview: () => overviewOf(targets), refresh: () => unchanged(targets) });
    render(App);
    expect(await screen.findByText("name-111111111111", { selector: ".name" })).toBeInTheDocument();
  });

  it("opens on onboarding when nothing is configured", async () => {
    serve({ overview: () => overviewOf([], { configured: false }) });
    render(App);
    expect(await screen.findByRole("heading", { name: "Welcome to Kumo" })).toBeInTheDocument();
  });

  it("starts the demo at once when launched for it", async () => {
    const calls = serve({
      overview: () => overviewOf([], { configured: false, start_demo: true }),
      start_demo: () => overviewOf(targets, { demo: true }),
      refresh: () => unchanged(targets),
    });
    render(App);
    expect(await screen.findByText("Demo cloud")).toBeInTheDocument();
    expect(calls.map((c) => c.cmd).slice(0, 2)).toEqual(["overview", "start_demo"]);
  });

  it("says what went wrong when the overview fails, with a way forward", async () => {
    let attempts = 0;
    serve({
      overview: () =>
        ++attempts === 1
          ? Promise.reject("config file /c, line 3, field `region`: bad region")
          : overviewOf(targets),
      refresh: () => unchanged(targets),
    });
    render(App);
    expect(await screen.findByRole("alert")).toHaveTextContent("config file /c, line 3, field `region`: bad region");
    expect(screen.getByRole("button", { name: "Try the demo" })).toBeInTheDocument();
    expect(screen.getAllByRole("button", { name: "Diagnostics" })).toHaveLength(2);
    await fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("name-111111111111", { selector: ".name" })).toBeInTheDocument();
  });
});

describe("a keychain that cannot be read", () => {
  it("is locked: says so in one sentence and unlocks with the keychain's own prompt", async () => {
    const calls = serve({
      overview: () => overviewOf(targets, { keychain: { kind: "locked" } }),
      unlock_keychain: () => overviewOf(targets),
      refresh: () => unchanged(targets),
    });
    render(App);
    const screenOf = await screen.findByRole("region", { name: "The keychain is locked" });
    expect(screenOf).toHaveTextContent("Kumo keeps your sign-ins in the OS keychain, which is locked");
    expect(screen.getByRole("button", { name: "Try the demo" })).toBeInTheDocument();
    await fireEvent.click(screen.getByRole("button", { name: "Unlock" }));
    expect(await screen.findByText("name-111111111111", { selector: ".name" })).toBeInTheDocument();
    expect(calls.map((c) => c.cmd)).toContain("unlock_keychain");
  });

  it("stays on its screen with the keychain's answer when the prompt is dismissed", async () => {
    serve({
      overview: () => overviewOf(targets, { keychain: { kind: "locked" } }),
      unlock_keychain: () =>
        Promise.reject({ message: "the OS keychain is not reachable (the unlock prompt was dismissed)", next: null }),
    });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Unlock" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("the unlock prompt was dismissed");
    expect(screen.getByRole("button", { name: "Unlock" })).toBeEnabled();
  });

  it("is missing: names what provides one, and offers the demo", async () => {
    const calls = serve({
      overview: () => overviewOf(targets, { keychain: { kind: "missing" } }),
      start_demo: () => overviewOf(targets, { demo: true }),
      refresh: () => unchanged(targets),
    });
    render(App);
    const screenOf = await screen.findByRole("region", { name: "No keychain on this desktop" });
    expect(screenOf).toHaveTextContent("install gnome-keyring");
    expect(screen.queryByRole("button", { name: "Unlock" })).toBeNull();
    await fireEvent.click(screen.getByRole("button", { name: "Try the demo" }));
    expect(await screen.findByText("Demo cloud")).toBeInTheDocument();
    expect(calls.map((c) => c.cmd)).toContain("start_demo");
  });

  it("opens Diagnostics from its screen", async () => {
    serve({
      overview: () => overviewOf(targets, { keychain: { kind: "unreachable", reason: "no D-Bus session" } }),
      doctor: () => ({ version: "0.1.0", checks: [] }),
    });
    render(App);
    const screenOf = await screen.findByRole("region", { name: "The keychain cannot be asked" });
    expect(screenOf).toHaveTextContent("Kumo cannot ask the OS keychain (no D-Bus session).");
    await fireEvent.click(within(screenOf).getByRole("button", { name: "Diagnostics" }));
    expect(await screen.findByRole("heading", { name: "This machine" })).toBeInTheDocument();
  });
});

describe("settings", () => {
  const view = {
    theme: "system" as const,
    isolate: true,
    shortcut: "CmdOrCtrl+Alt+K",
    locale: "en",
    browsers_found: ["chrome", "firefox"],
    opens_in: "chrome",
  };

  function withSettings(handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
    const calls = serve({
      overview: () => overviewOf([], { configured: false }),
      settings: () => view,
      ...handlers,
    });
    render(App);
    return calls;
  }

  async function openSettings(): Promise<HTMLElement> {
    await fireEvent.click(await screen.findByRole("button", { name: "Settings" }));
    return screen.findByRole("region", { name: "Settings" });
  }

  it("offers the browsers found here and says where consoles open", async () => {
    withSettings();
    const settings = await openSettings();
    const browser = await within(settings).findByRole("combobox", { name: "Browser for consoles" });
    expect(within(browser).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Automatic",
      "Chrome",
      "Firefox",
      "The default browser",
    ]);
    expect(settings).toHaveTextContent("Consoles open in Chrome.");
    expect(within(settings).getByRole("checkbox", { name: "Open each target in a browser profile of its own" })).toBeChecked();
  });

  it("switches the language at once when Japanese is chosen", async () => {
    const calls = withSettings({ save_settings: (args) => ({ ...view, ...(args.settings as object), locale: "ja" }) });
    const settings = await openSettings();
    await fireEvent.change(await within(settings).findByRole("combobox", { name: "Language" }), {
      target: { value: "ja" },
    });
    expect(await screen.findByRole("heading", { name: "設定" })).toBeInTheDocument();
    expect(calls.find((c) => c.cmd === "save_settings")?.args).toEqual({
      settings: { language: "ja", theme: "system", browser: null, isolate: true, shortcut: "CmdOrCtrl+Alt+K" },
    });
  });

  it("applies a chosen theme to the page", async () => {
    withSettings({ save_settings: (args) => ({ ...view, ...(args.settings as object) }) });
    const settings = await openSettings();
    await fireEvent.change(await within(settings).findByRole("combobox", { name: "Theme" }), {
      target: { value: "dark" },
    });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("dark"));
    await fireEvent.change(within(settings).getByRole("combobox", { name: "Theme" }), { target: { value: "system" } });
    await waitFor(() => expect(document.documentElement.dataset.theme).toBeUndefined());
  });

  it("keeps the shortcut it had when the desktop refuses a new one", async () => {
    withSettings({
      save_settings: () => Promise.reject({ message: "the desktop refused the shortcut Ctrl+Q: taken", next: null }),
    });
    const settings = await openSettings();
    const field = await within(settings).findByRole("textbox", { name: "Shortcut for the palette" });
    await fireEvent.input(field, { target: { value: "Ctrl+Q" } });
    await fireEvent.click(within(settings).getByRole("button", { name: "Set" }));
    expect(await within(settings).findByRole("alert")).toHaveTextContent("the desktop refused the shortcut Ctrl+Q");
    expect(field).toHaveValue("CmdOrCtrl+Alt+K");
  });

  it("shows what the company's config sets for privileged targets, identities and the audit trail", async () => {
    serve({
      overview: () => overviewOf([], { configured: false }),
      settings: () => ({
        ...view,
        zero_trust: {
          guard: true,
          privileged: ["*Admin*", "env:prod"],
          max_elevation_secs: 3600,
          require_match: true,
          audit_file: "/home/dev/.local/state/kumo/audit.jsonl",
        },
      }),
    });
    render(App);
    const settings = await openSettings();
    await within(settings).findByText("Zero trust");
    expect(settings.querySelector("[data-setting=guard]")).toHaveTextContent(
      "Need an elevation with a reason, for 1 h 00 min at most",
    );
    expect(within(settings).getByText("*Admin*, env:prod")).toBeInTheDocument();
    expect(settings.querySelector("[data-setting=binding]")).toHaveTextContent(
      "A cloud signed in as anyone but you is refused",
    );
    expect(within(settings).getByText("/home/dev/.local/state/kumo/audit.jsonl")).toBeInTheDocument();
  });

  it("turns on starting minimised at login", async () => {
    const calls = withSettings({ set_start_at_login: () => true });
    const settings = await openSettings();
    const box = await within(settings).findByRole("checkbox", { name: "Start Kumo at login" });
    expect(box).not.toBeChecked();
    await fireEvent.click(box);
    expect(calls.find((c) => c.cmd === "set_start_at_login")?.args).toEqual({ enabled: true });
    await waitFor(() => expect(box).toBeChecked());
  });
});

describe("the language", () => {
  it("is the one the overview names, from the first screen on", async () => {
    serve({ overview: () => overviewOf([], { configured: false, locale: "ja" }) });
    render(App);
    expect(await screen.findByRole("heading", { name: "Kumo へようこそ" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "診断" })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("ja");
  });

  it("follows the overview that onboarding saves", async () => {
    serve({
      overview: () => overviewOf([], { configured: false }),
      save_config: () => overviewOf(targets, { locale: "ja" }),
      refresh: () => unchanged(targets),
    });
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Save and continue" }));
    expect(await screen.findByRole("searchbox", { name: "ターゲットを検索" })).toBeInTheDocument();
  });
});

describe("diagnostics", () => {
  function withDoctor(answer: () => DoctorReport | Promise<DoctorReport>) {
    return serve({ overview: () => overviewOf([], { configured: false }), doctor: answer });
  }

  it("shows every check of a healthy report and says all is in place", async () => {
    withDoctor(() => healthy);
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Diagnostics" }));
    expect(await screen.findByText("Everything Kumo needs is in place.", { exact: false })).toBeInTheDocument();
    expect(screen.getAllByRole("heading", { level: 3 }).map((h) => h.textContent)).toEqual([
      "Config file",
      "Keychain",
      "Browser",
      "Endpoint overrides",
    ]);
    expect(screen.getByText("AWS org `acme`: https://acme.awsapps.com/start (eu-west-1)")).toBeInTheDocument();
  });

  it("shows a failed check with what to do about it", async () => {
    withDoctor(() => ({
      ...healthy,
      checks: [
        check("keychain", "Keychain", {
          status: "fail",
          summary: "Secret Service: the OS keychain is not reachable",
          fix: "start and unlock your keychain",
        }),
      ],
    }));
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Diagnostics" }));
    expect(await screen.findByText("Something needs your attention.", { exact: false })).toBeInTheDocument();
    expect(screen.getByText("What to do:").parentElement).toHaveTextContent(
      "What to do: start and unlock your keychain",
    );
  });

  it("says so when the checks cannot run", async () => {
    withDoctor(() => Promise.reject("the checks stopped unexpectedly: panic"));
    render(App);
    await fireEvent.click(await screen.findByRole("button", { name: "Diagnostics" }));
    expect(await screen.findByText(/Kumo could not run its checks/)).toHaveTextContent(
      "Kumo could not run its checks: the checks stopped unexpectedly: panic",
    );
  });

  it("runs the checks again each time it is opened", async () => {
    const calls = withDoctor(() => healthy);
    render(App);
    const button = await screen.findByRole("button", { name: "Diagnostics" });
    await fireEvent.click(button);
    await screen.findByText("Everything Kumo needs is in place.", { exact: false });
    await fireEvent.click(button);
    await fireEvent.click(button);
    await screen.findByText("Everything Kumo needs is in place.", { exact: false });
    expect(calls.filter((c) => c.cmd === "doctor")).toHaveLength(2);
  });
});
