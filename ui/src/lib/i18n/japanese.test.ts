import { cleanup, render, screen, waitFor, within } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { flushSync } from "svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import ActionMenu from "../ActionMenu.svelte";
import ActivityView from "../ActivityView.svelte";
import DetailsPane from "../DetailsPane.svelte";
import DoctorPanel from "../DoctorPanel.svelte";
import ElevateDialog from "../ElevateDialog.svelte";
import MainScreen from "../MainScreen.svelte";
import Onboarding from "../Onboarding.svelte";
import Sessions from "../Sessions.svelte";
import TargetList from "../TargetList.svelte";
import { aws, overviewOf, serve, unchanged } from "../../test-ipc";
import { setLocale } from "./index.svelte";

const now = 1_800_000_000;
const payments = aws("111111111111", "AdministratorAccess", { account_name: "payments-prod" });

beforeEach(() => setLocale("ja"));

afterEach(() => {
  cleanup();
  clearMocks();
  setLocale("en");
});

describe("in Japanese", () => {
  it("welcomes on the onboarding", () => {
    render(Onboarding, { ondone: vi.fn(), ondemo: vi.fn() });
    expect(screen.getByRole("heading", { name: "Kumo へようこそ" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "デモを試す" })).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "開始 URL" })).toBeInTheDocument();
  });

  it("searches and hints on the main screen", () => {
    serve({ refresh: () => unchanged([payments]) });
    render(MainScreen, { overview: overviewOf([payments], { locale: "ja" }) });
    expect(screen.getByRole("searchbox", { name: "ターゲットを検索" })).toHaveAttribute(
      "placeholder",
      "アカウント、ロール、サブスクリプション、プロジェクトを検索…",
    );
    expect(document.querySelector(".hints")).toHaveTextContent("1 / 1 件 · ↑↓ 選択");
  });

  it("tells each sign-in's time left and warns of its end", () => {
    render(Sessions, {
      sessions: [
        { provider: "identity", name: "https://accounts.google.com", account: "dev@acme.com", expires_at: now + 3000 },
        { provider: "aws", name: "acme", account: null, expires_at: now + 12 * 60 },
        { provider: "azure", name: "acme.onmicrosoft.com", account: null, expires_at: null },
      ],
      now,
      renewing: null,
      chain: null,
      onrenew: vi.fn(),
      onsigninall: vi.fn(),
      onsignout: vi.fn(),
    });
    const chips = screen.getAllByRole("listitem").map((li) => li.textContent?.replace(/\s+/g, " ").trim());
    expect(chips).toEqual([
      "ID dev@acme.com 残り 50 分 ↻ ×",
      "AWS acme 残り 12 分 ↻ ×",
      "Azure acme.onmicrosoft.com 未サインイン サインイン",
    ]);
    expect(screen.getByRole("alert")).toHaveTextContent("acme の AWS セッションは 12 分後に終了します。");
  });

  it("asks for a sign-in within the days a registration has left", () => {
    render(Sessions, {
      sessions: [
        { provider: "aws", name: "acme", account: null, expires_at: now + 600, renews: true, sign_in_ends_at: now + 6 * 86_400 - 60 },
      ],
      now,
      renewing: null,
      chain: null,
      onrenew: vi.fn(),
      onsigninall: vi.fn(),
      onsignout: vi.fn(),
    });
    expect(screen.getByRole("listitem")).toHaveTextContent("6 日以内にサインイン");
    expect(screen.getByRole("alert")).toHaveTextContent("6 日以内に AWS acme にサインインしてください");
  });

  it("names the list's actions and marks", () => {
    render(TargetList, {
      items: [{ ...payments, privileged: true }],
      onopen: vi.fn(),
      onstar: vi.fn(),
      onmenu: vi.fn(),
    });
    expect(screen.getByRole("listbox", { name: "ターゲット" })).toBeInTheDocument();
    expect(screen.getByTitle(`${payments.id} をお気に入りに追加`)).toHaveClass("star");
    expect(screen.getByText("開く")).toHaveClass("open");
    expect(screen.getByText("特権")).toHaveAttribute("title", "理由を添えた昇格が必要です");
    expect(document.querySelector(".source")).toHaveAttribute("title", "AWS 組織 acme");
  });

  it("offers a target's actions in its menu", () => {
    render(ActionMenu, {
      props: {
        target: { ...payments, privileged: true },
        elevation: null,
        browsers: ["firefox"],
        isolate: true,
        onaction: vi.fn(),
        onclose: vi.fn(),
      },
    });
    const menu = screen.getByRole("menu", { name: "payments-prod の操作" });
    const items = within(menu).getAllByRole("menuitem").map((item) => item.textContent?.trim());
    expect(items).toEqual([
      "コンソールを開くEnter",
      "ブラウザーを選んで開く…",
      "サービスを開く…",
      "エクスポートをコピーCtrl+E",
      "プロファイルとしてエクスポート",
      "昇格…",
      "エイリアスを設定…",
      "色…",
      "お気に入りに追加Ctrl+S",
    ]);
  });

  it("details the selected target", () => {
    serve({ target_details: () => ({ expires_at: null }) });
    render(DetailsPane, {
      props: {
        target: payments,
        elevation: { target: payments.id, reason: "INC-4711", expires_at: now + 1800 },
        now,
        onopen: vi.fn(),
        onactions: vi.fn(),
      },
    });
    const details = screen.getByRole("complementary", { name: "詳細" });
    expect(within(details).getByText("昇格中 (残り 30 分): INC-4711")).toBeInTheDocument();
    expect(within(details).getByText("最終オープン")).toBeInTheDocument();
    expect(within(details).getByRole("button", { name: "操作…" })).toBeInTheDocument();
  });

  it("shows the activity with its kinds and dates in Japanese, filtering by the kinds' names", async () => {
    serve({
      activity: () => [{ time: now, kind: "console", target: payments.id, actor: null, message: "opened the console" }],
    });
    render(ActivityView, { onclose: vi.fn() });
    const view = screen.getByRole("region", { name: "アクティビティ" });
    await waitFor(() => expect(within(view).getByRole("listitem")).toHaveTextContent("コンソール"));
    expect(within(view).getByRole("listitem").querySelector("time")?.textContent).toMatch(/^2027\/1\/1[456] /);
    const kind = within(view).getByRole("option", { name: "ID の不一致" });
    expect(kind).toHaveAttribute("value", "identity_mismatch");
  });

  it("asks why in the elevation dialog", () => {
    render(ElevateDialog, { props: { target: payments, onconfirm: vi.fn(), oncancel: vi.fn() } });
    const dialog = screen.getByRole("dialog", { name: "昇格" });
    expect(dialog).toHaveTextContent(`payments-prod (${payments.id}) は特権ターゲットです。`);
    expect(within(dialog).getByRole("button", { name: "昇格して続行" })).toBeDisabled();
  });

  it("gives the diagnostics' verdict", () => {
    render(DoctorPanel, {
      report: {
        version: "0.1.0",
        checks: [{ id: "config", title: "Config file", status: "fail", summary: "bad", details: [], fix: "fix it" }],
      },
    });
    expect(screen.getByRole("status")).toHaveTextContent("対応が必要な項目があります。 Kumo 0.1.0");
    expect(screen.getByLabelText("失敗")).toBeInTheDocument();
    expect(screen.getByText("対処方法:")).toBeInTheDocument();
  });
});

describe("a change of language", () => {
  it("shows on screen at once, without a restart", () => {
    setLocale("en");
    render(Onboarding, { ondone: vi.fn(), ondemo: vi.fn() });
    expect(screen.getByRole("heading", { name: "Welcome to Kumo" })).toBeInTheDocument();
    setLocale("ja");
    flushSync();
    expect(screen.getByRole("heading", { name: "Kumo へようこそ" })).toBeInTheDocument();
    expect(screen.getByRole("textbox", { name: "発行者" })).toBeInTheDocument();
  });
});
