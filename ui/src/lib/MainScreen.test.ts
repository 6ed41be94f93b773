import { render, screen, fireEvent, cleanup, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { emit } from "@tauri-apps/api/event";
import { afterEach, describe, expect, it, vi } from "vitest";
import MainScreen from "./MainScreen.svelte";
import { setLocale } from "./i18n/index.svelte";
import type { Overview, TargetView } from "./api";
import { aws, overviewOf, serve, unchanged } from "../test-ipc";

const payments = aws("111111111111", "AdministratorAccess", { account_name: "payments-prod" });
const search = aws("222222222222", "ReadOnlyAccess", { account_name: "search-dev" });
const subscription: TargetView = {
  id: "azure:acme.onmicrosoft.com/0000-1111",
  cloud: "azure",
  tenant: "acme.onmicrosoft.com",
  tenant_name: "Acme",
  subscription_id: "0000-1111",
  subscription_name: "Production",
  opens: 0,
};
const project: TargetView = {
  id: "gcp:acme-data",
  cloud: "gcp",
  project_id: "acme-data",
  project_name: "Acme Data",
  opens: 0,
};
const all = [payments, search, subscription, project];

afterEach(() => {
  cleanup();
  clearMocks();
});

/** The rows of the target list (the selects' options are not targets). */
function rows(): HTMLElement[] {
  const list = screen.queryByRole("listbox", { name: "Targets" });
  return list ? within(list).queryAllByRole("option") : [];
}

function names(): string[] {
  return rows().map((o) => o.querySelector(".name")?.textContent ?? "");
}

function start(overview: Overview, handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  const calls = serve({ refresh: () => unchanged(overview.targets), ...handlers });
  render(MainScreen, { overview });
  return calls;
}

const searchBox = () => screen.getByRole("searchbox", { name: "Search targets" });

describe("the target list", () => {
  it("shows every cloud's targets with their cloud marked", () => {
    start(overviewOf(all));
    expect(names()).toEqual(["payments-prod", "search-dev", "Production", "Acme Data"]);
    const badges = rows().map((o) => o.querySelector(".badge")?.textContent);
    expect(badges).toEqual(["AWS", "AWS", "Azure", "GCP"]);
  });

  it("marks each target's org or tenant by a colour named for it", () => {
    start(overviewOf(all));
    const sources = rows().map((o) => o.querySelector(".source")?.getAttribute("title"));
    expect(sources).toEqual(["AWS org acme", "AWS org acme", "Azure tenant Acme", "Google Cloud"]);
  });

  it("puts the focus in the search field on open", () => {
    start(overviewOf(all));
    expect(searchBox()).toHaveFocus();
  });

  it("filters fuzzily as the person types", async () => {
    start(overviewOf(all));
    await fireEvent.input(searchBox(), { target: { value: "payprod admin" } });
    expect(names()).toEqual(["payments-prod"]);
  });

  it("finds subscriptions and projects by name", async () => {
    start(overviewOf(all));
    await fireEvent.input(searchBox(), { target: { value: "production" } });
    expect(names()).toEqual(["Production"]);
    await fireEvent.input(searchBox(), { target: { value: "acme data" } });
    expect(names()[0]).toBe("Acme Data");
  });

  it("renders only the rows in sight of 10,000 targets", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => aws(String(100000000000 + i), "Admin"));
    start(overviewOf(many));
    expect(rows().length).toBeLessThan(50);
    expect(screen.getByText(/10000 of 10000/)).toBeInTheDocument();
  });

  it("shows the alias in place of the account name", () => {
    start(overviewOf([{ ...payments, alias: "prod admin" }]));
    expect(names()).toEqual(["prod admin"]);
  });
});

describe("the identity binding", () => {
  it("warns of a cloud signed in as someone other than the company identity", () => {
    start(
      overviewOf(all, {
        principals: [
          { provider: "aws", name: "acme", principal: "someone@other.example", matches: false },
          { provider: "azure", name: "acme.onmicrosoft.com", principal: "dev@acme.com", matches: true },
        ],
      }),
    );
    const alerts = screen.getAllByRole("alert").filter((a) => a.classList.contains("mismatch"));
    expect(alerts.map((a) => a.textContent?.replace(/\s+/g, " ").trim())).toEqual([
      "AWS acme is signed in as someone@other.example, not as the company identity: sign out of it and sign in again as yourself.",
    ]);
  });

  it("learns of a mismatch at a sign-in, without a restart", async () => {
    const overview = overviewOf(all, {
      sessions: [{ provider: "aws", name: "acme", account: null, expires_at: null }],
    });
    start(overview, {
      renew: () => [{ provider: "aws", name: "acme", account: "someone@other.example", expires_at: 1_800_003_600 }],
      principals: () => [{ provider: "aws", name: "acme", principal: "someone@other.example", matches: false }],
    });
    expect(document.querySelector(".mismatch")).toBeNull();
    await fireEvent.click(within(screen.getByRole("listitem")).getByRole("button", { name: "Sign in" }));
    await waitFor(() =>
      expect(document.querySelector(".mismatch")).toHaveTextContent("AWS acme is signed in as someone@other.example"),
    );
  });
});

describe("elevations", () => {
  it("shows the selected target's running elevation and ends it from its menu", async () => {
    const calls = start(
      overviewOf([{ ...payments, privileged: true }], {
        elevations: [{ target: payments.id, reason: "INC-4711", expires_at: 1_800_000_000 + 1800 }],
      }),
      { end_elevation: () => [], target_details: () => ({ expires_at: null }) },
    );
    const details = screen.getByRole("complementary", { name: "Details" });
    expect(within(details).getByText("Elevated, 30 min left: INC-4711")).toBeInTheDocument();
    await fireEvent.keyDown(searchBox(), { key: "k", ctrlKey: true });
    await fireEvent.click(screen.getByRole("menuitem", { name: "End elevation" }));
    await waitFor(() => expect(calls.find((c) => c.cmd === "end_elevation")?.args).toEqual({ id: payments.id }));
    expect(await screen.findByText("Ended the elevation of payments-prod.")).toBeInTheDocument();
    expect(within(details).getByText("Privileged: needs an elevation with a reason")).toBeInTheDocument();
  });
});

describe("the activity view", () => {
  const entries = [
    { time: 1_800_000_100, kind: "console", target: payments.id, actor: "dev@acme.com", message: "opened the console" },
    { time: 1_800_000_000, kind: "elevation", target: payments.id, actor: "dev@acme.com", message: "elevated: INC-1" },
  ];

  it("shows the audit trail latest first, as the Rust side orders it", async () => {
    start(overviewOf(all), { activity: () => entries });
    await fireEvent.click(screen.getByRole("button", { name: "Activity" }));
    const view = await screen.findByRole("region", { name: "Activity" });
    await waitFor(() => expect(within(view).getAllByRole("listitem")).toHaveLength(2));
    const kinds = within(view)
      .getAllByRole("listitem")
      .map((li) => li.getAttribute("data-kind"));
    expect(kinds).toEqual(["console", "elevation"]);
  });

  it("filters by target and kind", async () => {
    const calls = start(overviewOf(all), { activity: () => entries });
    await fireEvent.click(screen.getByRole("button", { name: "Activity" }));
    const view = await screen.findByRole("region", { name: "Activity" });
    await fireEvent.input(within(view).getByRole("searchbox", { name: "Filter by target" }), {
      target: { value: "1111" },
    });
    await fireEvent.change(within(view).getByRole("combobox", { name: "Filter by kind" }), {
      target: { value: "elevation" },
    });
    await waitFor(() =>
      expect(calls.filter((c) => c.cmd === "activity").pop()?.args).toEqual({ target: "1111", kind: "elevation" }),
    );
  });
});

describe("the keyboard", () => {
  it("opens the selected target's console with Enter after arrowing down", async () => {
    const calls = start(overviewOf(all), { open_console: () => null });
    await fireEvent.keyDown(searchBox(), { key: "ArrowDown" });
    await fireEvent.keyDown(searchBox(), { key: "Enter" });
    expect(calls.find((c) => c.cmd === "open_console")?.args).toEqual({ id: search.id });
    expect(await screen.findByText("Opened the console of search-dev.")).toBeInTheDocument();
  });

  it("copies the exports of the selected role with Ctrl+E, showing no secret", async () => {
    const calls = start(overviewOf(all), { copy_exports: () => null });
    await fireEvent.keyDown(searchBox(), { key: "e", ctrlKey: true });
    expect(calls.find((c) => c.cmd === "copy_exports")?.args).toEqual({ id: payments.id });
    expect(
      await screen.findByText(
        "Copied the credential exports of payments-prod; they are on the clipboard, not on screen, kept out of clipboard history and cleared in 45 s.",
      ),
    ).toBeInTheDocument();
  });

  it("stars the selected target with Ctrl+S and pins it to the top", async () => {
    const calls = start(overviewOf(all), { toggle_star: () => true });
    await fireEvent.keyDown(searchBox(), { key: "ArrowDown" });
    await fireEvent.keyDown(searchBox(), { key: "ArrowDown" });
    await fireEvent.keyDown(searchBox(), { key: "s", ctrlKey: true });
    expect(calls.find((c) => c.cmd === "toggle_star")?.args).toEqual({ id: subscription.id });
    await waitFor(() =>
      expect(document.querySelector(`[data-id="${subscription.id}"] .star`)).toHaveAttribute("title", `Unstar ${subscription.id}`),
    );
    expect(names()[0]).toBe("Production");
    expect(rows().find((r) => r.getAttribute("aria-selected") === "true")).toHaveAttribute(
      "data-id",
      subscription.id,
    );
  });

  it("clears the search with Escape", async () => {
    start(overviewOf(all));
    await fireEvent.input(searchBox(), { target: { value: "zzz" } });
    expect(rows()).toHaveLength(0);
    await fireEvent.keyDown(searchBox(), { key: "Escape" });
    expect(names()).toHaveLength(4);
  });
});

describe("errors where they happen", () => {
  it("says why a console did not open", async () => {
    start(overviewOf(all), {
      open_console: () => Promise.reject("not signed in to `acme`: run `kumo login --org acme`"),
    });
    await fireEvent.keyDown(searchBox(), { key: "Enter" });
    expect(await screen.findByRole("alert")).toHaveTextContent(
      `Could not open ${payments.id}: not signed in to \`acme\`: run \`kumo login --org acme\``,
    );
  });

  it("offers the sign-in that the error names as its next step", async () => {
    const calls = start(overviewOf(all), {
      open_console: () =>
        Promise.reject({
          message: "not signed in to `acme`",
          next: { kind: "sign_in", provider: "aws", name: "acme", why: "missing" },
        }),
      renew: () => [],
    });
    await fireEvent.keyDown(searchBox(), { key: "Enter" });
    expect(await screen.findByRole("alert")).toHaveTextContent(`Could not open ${payments.id}: not signed in to \`acme\``);
    await fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(calls.filter((c) => c.cmd === "renew")).toHaveLength(1));
    expect(calls.find((c) => c.cmd === "renew")?.args).toMatchObject({ provider: "aws", name: "acme" });
  });

  it("asks for a reason before opening a privileged target, then elevates and opens it", async () => {
    let elevated = false;
    const calls = start(overviewOf([{ ...payments, privileged: true }]), {
      open_console: () =>
        elevated
          ? null
          : Promise.reject({
              message: `${payments.id} is privileged and not elevated: no console without an elevation`,
              next: { kind: "elevate", target: payments.id },
            }),
      elevate: () => {
        elevated = true;
        return { target: payments.id, reason: "INC-4711", expires_at: 1_800_003_600 };
      },
    });
    await fireEvent.keyDown(searchBox(), { key: "Enter" });
    const dialog = await screen.findByRole("dialog", { name: "Elevate" });
    const confirm = within(dialog).getByRole("button", { name: "Elevate and continue" });
    expect(confirm).toBeDisabled();
    await fireEvent.input(within(dialog).getByRole("textbox", { name: "Reason" }), {
      target: { value: "  INC-4711  " },
    });
    await fireEvent.click(confirm);
    expect(await screen.findByText("Opened the console of payments-prod.")).toBeInTheDocument();
    expect(calls.find((c) => c.cmd === "elevate")?.args).toEqual({ id: payments.id, reason: "INC-4711" });
    expect(calls.filter((c) => c.cmd === "open_console")).toHaveLength(2);
    expect(screen.queryByRole("dialog")).toBeNull();
    const details = screen.getByRole("complementary", { name: "Details" });
    expect(within(details).getByText("Elevated, 1 h 00 min left: INC-4711")).toBeInTheDocument();
  });

  it("does nothing privileged when the elevation is cancelled", async () => {
    const calls = start(overviewOf([{ ...payments, privileged: true }]), {
      copy_exports: () =>
        Promise.reject({ message: "privileged", next: { kind: "elevate", target: payments.id } }),
    });
    await fireEvent.keyDown(searchBox(), { key: "e", ctrlKey: true });
    const dialog = await screen.findByRole("dialog", { name: "Elevate" });
    await fireEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(calls.filter((c) => c.cmd === "elevate")).toHaveLength(0);
    expect(calls.filter((c) => c.cmd === "copy_exports")).toHaveLength(1);
  });

  it("marks a privileged target in the list", () => {
    start(overviewOf([{ ...payments, privileged: true }, search]));
    const marks = rows().map((o) => o.querySelector(".privileged")?.textContent ?? null);
    expect(marks).toEqual(["privileged", null]);
  });

  it("offers a sign-in beside a cloud that could not list for want of one", async () => {
    const calls = start(
      overviewOf(all, {
        errors: [
          {
            source: "Azure tenant `acme.onmicrosoft.com`",
            message: "not signed in to Azure tenant `acme.onmicrosoft.com`",
            next: { kind: "sign_in", provider: "azure", name: "acme.onmicrosoft.com", why: "missing" },
          },
        ],
      }),
      { renew: () => [] },
    );
    await fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() =>
      expect(calls.find((c) => c.cmd === "renew")?.args).toMatchObject({
        provider: "azure",
        name: "acme.onmicrosoft.com",
      }),
    );
  });

  it("shows a cloud that failed to list beside the others' targets", () => {
    start(overviewOf(all, { errors: [{ source: "Azure tenant `acme.onmicrosoft.com`", message: "HTTP 500" }] }));
    expect(screen.getByText("Azure tenant `acme.onmicrosoft.com`:").parentElement).toHaveTextContent(
      "Azure tenant `acme.onmicrosoft.com`: HTTP 500",
    );
    expect(names()).toHaveLength(4);
  });
});

describe("the background refresh", () => {
  it("refreshes on open and notes what was added and removed", async () => {
    const added = aws("333333333333", "Admin", { account_name: "new-account" });
    start(overviewOf([payments, search]), {
      refresh: () => ({
        targets: [payments, added],
        errors: [],
        changes: { added: [added.id], removed: [search.id] },
      }),
    });
    expect(await screen.findByText("1 added, 1 removed.")).toBeInTheDocument();
    expect(names()).toEqual(["payments-prod", "new-account"]);
  });

  it("rewords its note when the language switches", async () => {
    const added = aws("333333333333", "Admin", { account_name: "new-account" });
    start(overviewOf([payments]), {
      refresh: () => ({ targets: [payments, added], errors: [], changes: { added: [added.id], removed: [] } }),
    });
    await screen.findByText("1 added, 0 removed.");
    setLocale("ja");
    try {
      expect(await screen.findByText("1 件追加、0 件削除しました。")).toBeInTheDocument();
    } finally {
      setLocale("en");
    }
  });

  it("shows discovery progress while it lists", async () => {
    start(overviewOf(all), { refresh: () => new Promise(() => {}) });
    await screen.findByRole("button", { name: "Refreshing…" });
    await emit("refresh-progress", { done: 40, total: 120 });
    expect(await screen.findByText(/Refreshing: 40 of 120/)).toBeInTheDocument();
  });

  it("focuses the search when the global shortcut fires", async () => {
    start(overviewOf(all));
    (document.activeElement as HTMLElement | null)?.blur();
    await emit("focus-search", null);
    await new Promise((r) => setTimeout(r, 0));
    expect(searchBox()).toHaveFocus();
  });
});

describe("sign-ins", () => {
  it("shows each provider's time left and renews on request", async () => {
    const overview = overviewOf(all, {
      sessions: [
        { provider: "identity", name: "https://accounts.google.com", account: "dev@acme.com", expires_at: 1_800_000_000 + 3000 },
        { provider: "aws", name: "acme", account: null, expires_at: 1_800_000_000 + 3 * 3600 + 300 },
        { provider: "azure", name: "acme.onmicrosoft.com", account: null, expires_at: null },
      ],
    });
    const calls = start(overview, { renew: () => overview.sessions });
    const chips = screen.getAllByRole("listitem").map((li) => li.textContent?.replace(/\s+/g, " ").trim());
    expect(chips).toEqual([
      "Identity dev@acme.com 50 min left ↻ ×",
      "AWS acme 3 h 05 min left ↻ ×",
      "Azure acme.onmicrosoft.com not signed in Sign in",
    ]);
    const azure = screen.getAllByRole("listitem")[2] as HTMLElement;
    await fireEvent.click(within(azure).getByRole("button", { name: "Sign in" }));
    expect(calls.find((c) => c.cmd === "renew")?.args).toEqual({ provider: "azure", name: "acme.onmicrosoft.com" });
  });

  it("warns fifteen minutes before a session ends", () => {
    start(
      overviewOf(all, {
        sessions: [{ provider: "aws", name: "acme", account: null, expires_at: 1_800_000_000 + 12 * 60 }],
      }),
    );
    expect(screen.getByRole("alert")).toHaveTextContent("Your AWS session for acme ends in 12 min.");
  });

  it("names a session ending by who is signed in, where the provider says", () => {
    start(
      overviewOf(all, {
        sessions: [
          { provider: "identity", name: "https://accounts.google.com", account: "dev@acme.com", expires_at: 1_800_000_000 + 5 * 60 },
        ],
      }),
    );
    expect(screen.getByRole("alert")).toHaveTextContent("Your Identity session for dev@acme.com ends in 5 min.");
  });

  it("follows sign-ins the app finds renewed elsewhere", async () => {
    start(
      overviewOf(all, {
        sessions: [{ provider: "aws", name: "acme", account: null, expires_at: null }],
      }),
    );
    await emit("sessions", [{ provider: "aws", name: "acme", account: null, expires_at: 1_800_000_000 + 3600 }]);
    const chip = screen.getByRole("listitem");
    await waitFor(() => expect(chip).toHaveTextContent("AWS acme 1 h 00 min left ↻"));
  });

  it("says a session that renews by itself renews, and never warns of its token's end", () => {
    start(
      overviewOf(all, {
        sessions: [{ provider: "aws", name: "acme", account: null, expires_at: 1_800_000_000 + 5 * 60, renews: true }],
      }),
    );
    expect(screen.getByRole("listitem")).toHaveTextContent("AWS acme renews automatically ↻ ×");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("asks for a sign-in when a session can no longer renew, until it is done", async () => {
    const calls = start(
      overviewOf(all, {
        sessions: [
          { provider: "aws", name: "acme", account: "dev@acme.com", expires_at: null, renews: false, needs_sign_in: true },
        ],
      }),
      { renew: () => [{ provider: "aws", name: "acme", account: "dev@acme.com", expires_at: 1_800_003_600, renews: true }] },
    );
    const banner = screen.getByRole("alert");
    expect(banner).toHaveTextContent("Sign in to AWS dev@acme.com again: Kumo cannot renew it by itself.");
    await fireEvent.click(within(banner).getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(calls.find((c) => c.cmd === "renew")?.args).toEqual({ provider: "aws", name: "acme" }));
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
  });

  it("says a provider out of reach is out of reach, not that the session ended", () => {
    start(
      overviewOf(all, {
        sessions: [
          { provider: "aws", name: "acme", account: null, expires_at: 1_800_000_600, renews: true, unreachable: true },
        ],
      }),
    );
    expect(document.querySelector(".unreachable")).toHaveTextContent(
      "Kumo cannot reach AWS to renew acme; it keeps trying, and the session has not ended.",
    );
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("asks for a sign-in within the week a registration ends, while the session still renews", async () => {
    const calls = start(
      overviewOf(all, {
        sessions: [
          {
            provider: "aws",
            name: "acme",
            account: null,
            expires_at: 1_800_000_600,
            renews: true,
            sign_in_ends_at: 1_800_000_000 + 6 * 86_400 - 60,
          },
        ],
      }),
    );
    expect(screen.getByRole("listitem")).toHaveTextContent("AWS acme sign in within 6 days ↻ ×");
    const banner = screen.getByRole("alert");
    expect(banner).toHaveTextContent(
      "Sign in to AWS acme within 6 days: Kumo renews it by itself only until its client registration ends.",
    );
    await fireEvent.click(within(banner).getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(calls.find((c) => c.cmd === "renew")?.args).toEqual({ provider: "aws", name: "acme" }));
  });

  it("shows a registration's end only in its last week", () => {
    start(
      overviewOf(all, {
        sessions: [
          {
            provider: "aws",
            name: "acme",
            account: null,
            expires_at: 1_800_000_600,
            renews: true,
            sign_in_ends_at: 1_800_000_000 + 80 * 86_400,
          },
        ],
      }),
    );
    expect(screen.getByRole("listitem")).toHaveTextContent("AWS acme renews automatically ↻ ×");
    expect(screen.queryByRole("alert")).toBeNull();
  });

  it("warns of the endpoint overrides in effect", () => {
    start(overviewOf(all, { endpoint_overrides: ["AWS_ENDPOINT_URL_SSO = http://127.0.0.1:4000/"] }));
    const banner = document.querySelector(".overrides");
    expect(banner).toHaveTextContent(
      "1 endpoint override in effect: they receive your sign-in tokens and credentials (Diagnostics lists them).",
    );
    expect(banner).toHaveAttribute("title", "AWS_ENDPOINT_URL_SSO = http://127.0.0.1:4000/");
  });

  it("tells on the chip that a renewing provider is out of reach", () => {
    start(
      overviewOf(all, {
        sessions: [
          { provider: "aws", name: "acme", account: null, expires_at: 1_800_000_600, renews: true, unreachable: true },
        ],
      }),
    );
    expect(screen.getByRole("listitem")).toHaveTextContent("AWS acme cannot reach ↻ ×");
  });

  const signedOut = [
    { provider: "identity" as const, name: "https://accounts.google.com", account: null, expires_at: null },
    { provider: "aws" as const, name: "acme", account: null, expires_at: null },
    { provider: "azure" as const, name: "acme.onmicrosoft.com", account: null, expires_at: null },
  ];

  it("signs in to every provider with one button, following each as it is done", async () => {
    let finish: (sessions: unknown) => void = () => {};
    const calls = start(overviewOf(all, { sessions: signedOut }), {
      sign_in_all: () => new Promise((resolve) => (finish = resolve)),
    });
    await fireEvent.click(screen.getByRole("button", { name: "Sign in to all" }));
    expect(calls.filter((c) => c.cmd === "sign_in_all")).toHaveLength(1);
    await emit("sign-in-progress", { provider: "identity", name: "https://accounts.google.com", account: "dev@acme.com", outcome: "signed_in", expires_at: 1_800_003_600 });
    await waitFor(() => expect(screen.getByRole("button", { name: "Signing in (1 of 3)…" })).toBeDisabled());
    const waiting = screen.getAllByRole("listitem").map((li) => li.dataset.chain);
    expect(waiting).toEqual(["done", "waiting", "waiting"]);
    finish(signedOut.map((s) => ({ ...s, expires_at: 1_800_003_600 })));
    await waitFor(() => expect(screen.queryByRole("button", { name: /^(Sign in to all|Signing in)/ })).toBeNull());
    expect(screen.getAllByRole("listitem").map((li) => li.dataset.signedIn)).toEqual(["true", "true", "true"]);
  });

  it("signs out of one provider from its chip", async () => {
    const overview = overviewOf(all);
    const calls = start(overview, { sign_out: () => [{ ...overview.sessions[0], expires_at: null }] });
    await fireEvent.click(screen.getByRole("button", { name: "Sign out of AWS acme" }));
    await waitFor(() => expect(calls.find((c) => c.cmd === "sign_out")?.args).toEqual({ provider: "aws", name: "acme" }));
    expect(await screen.findByText("Signed out of AWS acme.")).toBeInTheDocument();
    expect(screen.getByRole("listitem")).toHaveTextContent("AWS acme not signed in Sign in");
  });

  it("signs out of every provider at once", async () => {
    const calls = start(overviewOf(all), { sign_out: () => signedOut });
    await fireEvent.click(screen.getByRole("button", { name: "Sign out of all" }));
    await waitFor(() => expect(calls.find((c) => c.cmd === "sign_out")?.args).toEqual({}));
    expect(await screen.findByText("Signed out of everything.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Sign out of all" })).toBeNull();
  });
});

/** Ctrl+K on the search: the selected target's action menu. */
async function openMenu(): Promise<HTMLElement> {
  await fireEvent.keyDown(searchBox(), { key: "k", ctrlKey: true });
  return screen.getByRole("menu");
}

describe("the action menu", () => {
  it("opens on Ctrl+K for the selected target with its first action focused", async () => {
    start(overviewOf(all));
    const menu = await openMenu();
    expect(menu).toHaveAccessibleName("Actions for payments-prod");
    expect(within(menu).getByRole("menuitem", { name: /Open console/ })).toHaveFocus();
  });

  it("moves through its actions with the arrow keys, around the ends", async () => {
    start(overviewOf(all));
    const menu = await openMenu();
    const items = within(menu).getAllByRole("menuitem");
    await fireEvent.keyDown(menu, { key: "ArrowDown" });
    expect(items[1]).toHaveFocus();
    await fireEvent.keyDown(menu, { key: "ArrowUp" });
    await fireEvent.keyDown(menu, { key: "ArrowUp" });
    expect(items[items.length - 1]).toHaveFocus();
  });

  it("closes on Escape and gives the search its focus back", async () => {
    start(overviewOf(all));
    const menu = await openMenu();
    await fireEvent.keyDown(menu, { key: "Escape" });
    expect(screen.queryByRole("menu")).toBeNull();
    expect(searchBox()).toHaveFocus();
  });

  it("opens from a row's ⋯ for that row", async () => {
    start(overviewOf(all));
    await fireEvent.click(screen.getByTitle("Actions for search-dev"));
    expect(screen.getByRole("menu")).toHaveAccessibleName("Actions for search-dev");
  });

  it("opens the console in a browser found here, without its own profile", async () => {
    const overview = overviewOf(all, {
      settings: {
        theme: "system",
        isolate: true,
        shortcut: "CmdOrCtrl+Alt+K",
        locale: "en",
        browsers_found: ["chrome", "firefox"],
        opens_in: "chrome",
      },
    });
    const calls = start(overview, { open_console: () => null });
    const menu = await openMenu();
    await fireEvent.click(within(menu).getByRole("menuitem", { name: "Open in…" }));
    const browsers = within(menu)
      .getAllByRole("menuitem")
      .map((item) => item.textContent?.trim());
    expect(browsers).toEqual(["Chrome", "Firefox", "The default browser"]);
    await fireEvent.click(within(menu).getByRole("menuitemcheckbox", { name: /In its own profile/ }));
    await fireEvent.click(within(menu).getByRole("menuitem", { name: "Firefox" }));
    expect(calls.find((c) => c.cmd === "open_console")?.args).toEqual({
      id: payments.id,
      browser: "firefox",
      isolate: false,
    });
  });

  it("opens an AWS service's console page", async () => {
    const calls = start(overviewOf(all), { open_console: () => null });
    const menu = await openMenu();
    await fireEvent.click(within(menu).getByRole("menuitem", { name: "Open a service…" }));
    await fireEvent.click(within(menu).getByRole("menuitem", { name: "EC2" }));
    expect(calls.find((c) => c.cmd === "open_console")?.args).toEqual({ id: payments.id, service: "ec2" });
  });

  it("exports the role as a profile and names the profile to use", async () => {
    const calls = start(overviewOf(all), {
      export_profile: () => ({ path: "/home/dev/.aws/config", profile: "payments-prod.AdministratorAccess" }),
    });
    await fireEvent.click(within(await openMenu()).getByRole("menuitem", { name: "Export as profile" }));
    expect(calls.find((c) => c.cmd === "export_profile")?.args).toEqual({ id: payments.id });
    expect(
      await screen.findByText(
        "Wrote /home/dev/.aws/config: use it with `aws --profile payments-prod.AdministratorAccess`.",
      ),
    ).toBeInTheDocument();
  });

  it("gives the target an alias that the list then shows", async () => {
    const calls = start(overviewOf(all), { set_alias: () => ({ alias: "prod admin" }) });
    const menu = await openMenu();
    await fireEvent.click(within(menu).getByRole("menuitem", { name: "Set alias…" }));
    await fireEvent.input(within(menu).getByRole("textbox", { name: "Alias" }), { target: { value: "prod admin" } });
    await fireEvent.click(within(menu).getByRole("button", { name: "Save alias" }));
    expect(calls.find((c) => c.cmd === "set_alias")?.args).toEqual({ id: payments.id, alias: "prod admin" });
    await screen.findByText("prod admin", { selector: ".name" });
  });

  it("colours the target", async () => {
    const calls = start(overviewOf(all), { set_colour: () => ({ colour: "red" }) });
    const menu = await openMenu();
    await fireEvent.click(within(menu).getByRole("menuitem", { name: "Colour…" }));
    await fireEvent.click(within(menu).getByRole("menuitem", { name: "Red" }));
    expect(calls.find((c) => c.cmd === "set_colour")?.args).toEqual({ id: payments.id, colour: "red" });
  });

  it("offers exports and service pages only for AWS roles", async () => {
    start(overviewOf([project]));
    const menu = await openMenu();
    expect(within(menu).getByRole("menuitem", { name: /Open console/ })).toBeInTheDocument();
    expect(within(menu).queryByRole("menuitem", { name: /Copy exports/ })).toBeNull();
    expect(within(menu).queryByRole("menuitem", { name: "Open a service…" })).toBeNull();
  });

  it("offers an elevation only for a privileged target", async () => {
    start(overviewOf([{ ...payments, privileged: true }, search]));
    expect(within(await openMenu()).getByRole("menuitem", { name: "Elevate…" })).toBeInTheDocument();
    await fireEvent.keyDown(screen.getByRole("menu"), { key: "Escape" });
    await fireEvent.keyDown(searchBox(), { key: "ArrowDown" });
    expect(within(await openMenu()).queryByRole("menuitem", { name: "Elevate…" })).toBeNull();
  });
});

describe("the details pane", () => {
  it("shows the selected target's ids, its credentials' time left and when it was last opened", async () => {
    start(overviewOf([{ ...payments, last_opened: 1_800_000_000 - 60, opens: 3 }]), {
      target_details: () => ({ expires_at: 1_800_000_000 + 3000 }),
    });
    const details = screen.getByRole("complementary", { name: "Details" });
    expect(within(details).getByRole("heading", { name: "payments-prod" })).toBeInTheDocument();
    expect(within(details).getByText(payments.id)).toBeInTheDocument();
    expect(within(details).getByText("AdministratorAccess")).toBeInTheDocument();
    expect(within(details).getByText("Not privileged")).toBeInTheDocument();
    expect(details.querySelector(".last-opened")).toHaveTextContent(/\(3 opens in all\)$/);
    await waitFor(() => expect(details.querySelector(".credentials")).toHaveTextContent("50 min left"));
  });

  it("says when the keychain holds no credentials for the role", async () => {
    start(overviewOf([payments]), { target_details: () => ({ expires_at: null }) });
    const details = screen.getByRole("complementary", { name: "Details" });
    await waitFor(() => expect(details.querySelector(".credentials")).toHaveTextContent("none in the keychain"));
    expect(details.querySelector(".last-opened")).toHaveTextContent("never");
  });

  it("follows the selection and shows a subscription's tenant and tags", async () => {
    start(overviewOf([payments, { ...subscription, tags: { env: "prod" } }]));
    await fireEvent.keyDown(searchBox(), { key: "ArrowDown" });
    const details = screen.getByRole("complementary", { name: "Details" });
    expect(within(details).getByRole("heading", { name: "Production" })).toBeInTheDocument();
    expect(within(details).getByText("Acme")).toBeInTheDocument();
    expect(within(details).getByText("env:prod")).toBeInTheDocument();
    expect(details.querySelector(".credentials")).toBeNull();
  });
});
