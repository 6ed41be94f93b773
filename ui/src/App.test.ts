import { render, screen, fireEvent, cleanup } from "@testing-library/svelte";
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

  it("says what went wrong when the overview fails", async () => {
    serve({ overview: () => Promise.reject("config file /c, line 3, field `region`: bad region") });
    render(App);
    expect(await screen.findByRole("alert")).toHaveTextContent("config file /c, line 3, field `region`: bad region");
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
