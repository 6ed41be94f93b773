import { render, screen, fireEvent, cleanup } from "@testing-library/svelte";
import { mockIPC, clearMocks } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it } from "vitest";
import App from "./App.svelte";
import type { Check, DoctorReport } from "./lib/doctor";

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

/** Answers IPC like the Rust side would, and records every command the UI invokes. */
function serve(answer: () => DoctorReport | Promise<DoctorReport>): string[] {
  const invoked: string[] = [];
  mockIPC((cmd) => {
    invoked.push(cmd);
    if (cmd === "doctor") return answer();
    throw new Error(`unexpected command ${cmd}`);
  });
  return invoked;
}

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("the doctor screen", () => {
  it("shows a loading status until the report arrives", () => {
    serve(() => new Promise<DoctorReport>(() => {}));
    render(App);
    expect(screen.getByRole("status")).toHaveTextContent(
      "Checking config, keychain, browser and endpoints…",
    );
  });

  it("shows every check of a healthy report and says all is in place", async () => {
    serve(() => healthy);
    render(App);
    expect(await screen.findByText("Everything Kumo needs is in place.", { exact: false })).toBeInTheDocument();
    expect(screen.getAllByRole("heading", { level: 3 }).map((h) => h.textContent)).toEqual([
      "Config file",
      "Keychain",
      "Browser",
      "Endpoint overrides",
    ]);
    expect(screen.getByText("AWS org `acme`: https://acme.awsapps.com/start (eu-west-1)")).toBeInTheDocument();
    expect(screen.getByText("Kumo 0.1.0")).toBeInTheDocument();
  });

  it("shows a failed check with what to do about it", async () => {
    const broken: DoctorReport = {
      ...healthy,
      checks: [
        check("keychain", "Keychain", {
          status: "fail",
          summary: "Secret Service: the OS keychain is not reachable",
          fix: "start and unlock your keychain",
        }),
      ],
    };
    serve(() => broken);
    render(App);
    expect(await screen.findByText("Something needs your attention.", { exact: false })).toBeInTheDocument();
    expect(screen.getByLabelText("failed")).toHaveTextContent("✗");
    expect(screen.getByText("What to do:").parentElement).toHaveTextContent(
      "What to do: start and unlock your keychain",
    );
  });

  it("says so when the checks cannot run", async () => {
    serve(() => Promise.reject("the checks stopped unexpectedly: panic"));
    render(App);
    expect(await screen.findByRole("alert")).toHaveTextContent(
      "Kumo could not run its checks: the checks stopped unexpectedly: panic",
    );
  });

  it("runs the checks again on request", async () => {
    const invoked = serve(() => healthy);
    render(App);
    await screen.findByText("Everything Kumo needs is in place.", { exact: false });
    await fireEvent.click(screen.getByRole("button", { name: "Check again" }));
    await screen.findByText("Everything Kumo needs is in place.", { exact: false });
    expect(invoked).toEqual(["doctor", "doctor"]);
  });
});
