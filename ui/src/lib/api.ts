import { invoke } from "@tauri-apps/api/core";
import { listen, type UnlistenFn } from "@tauri-apps/api/event";
import { en, type Messages } from "./i18n/en";
import { t } from "./i18n/index.svelte";

/** Mirrors kumo_core's Target with the person's preferences (TargetView). */
export interface TargetView {
  id: string;
  cloud: "aws" | "azure" | "gcp";
  org?: string;
  account_id?: string;
  account_name?: string;
  role?: string;
  project_id?: string;
  project_name?: string;
  tenant?: string;
  tenant_name?: string;
  subscription_id?: string;
  subscription_name?: string;
  /** Azure subscription tags, Google Cloud project labels. */
  tags?: Record<string, string>;
  /** Its credentials and console need an elevation (`[guard]`). */
  privileged?: boolean;
  starred?: boolean;
  alias?: string;
  colour?: string;
  last_opened?: number;
  opens: number;
}

export type Provider = "identity" | "aws" | "azure";

/** A cloud's user, and whether it is the company identity (null: unchecked). */
export interface Principal {
  provider: Provider;
  name: string;
  principal: string;
  matches: boolean | null;
}

export interface SessionStatus {
  provider: Provider;
  name: string;
  account: string | null;
  /** When the access token ends, epoch seconds; null when not signed in. */
  expires_at: number | null;
  /** Kumo renews it by itself: its end asks nothing of the person. */
  renews?: boolean;
  /** Only a sign-in continues it (refused, or a registration about to end). */
  needs_sign_in?: boolean;
  /** Renewals keep failing to reach the provider; the session itself may be fine. */
  unreachable?: boolean;
  /** The sign-in's known end (an org's client registration), epoch seconds: Kumo renews until then. */
  sign_in_ends_at?: number | null;
}

/** One provider's sign-in as it ended, during "Sign in". */
export interface SignedIn {
  provider: Provider;
  name: string;
  account: string | null;
  outcome: "already_signed_in" | "renewed" | "signed_in";
  expires_at: number;
}

/** What puts a failure right, as the Rust side says it: the UI words it as a button. */
export interface NextStep {
  kind: "sign_in" | "relist" | "unlock_keychain" | "sign_out_and_in" | "check_network" | "elevate";
  provider?: Provider;
  name?: string;
  why?: "missing" | "ended" | "refused" | "code_expired";
  /** The privileged target to elevate to, for "elevate". */
  target?: string;
}

/** Every command's failure: what happened, and the next step when one puts it right. */
export interface CoreError {
  message: string;
  next: NextStep | null;
}

export interface SourceError {
  source: string;
  message: string;
  next?: NextStep | null;
}

export interface Overview {
  configured: boolean;
  demo: boolean;
  start_demo: boolean;
  start_at_login: boolean;
  config_path: string;
  /** The Rust side's clock, epoch seconds. */
  now: number;
  sessions: SessionStatus[];
  principals: Principal[];
  /** The elevations running now. */
  elevations: ElevationView[];
  targets: TargetView[];
  errors: SourceError[];
  /** Each endpoint override in effect (`where = url`): a banner warns of them. */
  endpoint_overrides?: string[];
  /** The language to speak, "en" or "ja": the OS locale's, or the Settings override. */
  locale?: string;
  /** Whether the keychain can be read; locked or missing, the app says so first. */
  keychain?: KeychainState;
  settings?: SettingsView;
}

export interface Refreshed {
  targets: TargetView[];
  errors: SourceError[];
  changes: { added: string[]; removed: string[] };
}

export interface Progress {
  done: number;
  total: number;
}

export interface Draft {
  identity: { issuer: string; client_id: string; client_secret: string; hosted_domain: string } | null;
  orgs: { name: string; start_url: string; region: string }[];
  tenants: { tenant: string; client_id: string }[];
}

export interface FieldError {
  field: string;
  message: string;
}

export interface OnboardingRefusal {
  fields: FieldError[];
  message: string;
}

export interface ProfileExport {
  path: string;
  profile: string;
}

/** One record of the audit trail, as the Activity view shows it. */
export interface AuditEntry {
  /** Epoch seconds. */
  time: number;
  kind: string;
  target: string | null;
  actor: string | null;
  message: string;
}

/** The kinds of record of an access, as the Rust side names them (`audit::KINDS`)… */
const ACCESS_KINDS = ["sign_in", "renewal", "sign_out", "credentials", "console", "export"];
/** …and of the guard on privileged targets and the binding to the one identity. */
const GUARD_KINDS = ["elevation", "elevation_ended", "refused", "identity_mismatch"];
export const AUDIT_KINDS = [...ACCESS_KINDS, ...GUARD_KINDS];

/** A running elevation of a privileged target. */
export interface ElevationView {
  target: string;
  reason: string;
  /** Epoch seconds. */
  expires_at: number;
}

export type KeychainState =
  | { kind: "ready" }
  | { kind: "locked" }
  | { kind: "missing" }
  | { kind: "unreachable"; reason: string };

/** What the person chose in Settings. */
export interface Settings {
  /** "en" or "ja"; absent: the OS locale's. */
  language?: string | null;
  theme: "system" | "light" | "dark";
  /** The browser consoles open in; absent: the config's, else the OS default. */
  browser?: string | null;
  isolate: boolean;
  shortcut: string;
}

export interface SettingsView extends Settings {
  /** The language spoken now. */
  locale: string;
  /** Browser families found on this machine. */
  browsers_found: string[];
  /** Where a console opens when nothing is picked (null: the config's or the OS default). */
  opens_in: string | null;
  /** What the company's config sets: shown, not chosen. */
  zero_trust?: ZeroTrustView;
}

/** The guard, the binding to the one identity and the audit trail, as the config sets them. */
export interface ZeroTrustView {
  guard: boolean;
  privileged: string[];
  max_elevation_secs: number;
  require_match: boolean;
  audit_file: string;
}

/** Until when the keychain holds the target's credentials (AWS), epoch seconds. */
export interface TargetDetails {
  expires_at: number | null;
}

/** How a console opens, where the person picked: browser, isolation, an AWS service page. */
export interface ConsoleChoice {
  browser?: string | undefined;
  isolate?: boolean | undefined;
  service?: string | undefined;
}

export interface TargetPrefs {
  starred?: boolean;
  alias?: string;
  colour?: string;
}

export const api = {
  overview: () => invoke<Overview>("overview"),
  refresh: () => invoke<Refreshed>("refresh"),
  /** Without a browser or isolation, Settings decide; `service` lands on an AWS service. */
  openConsole: (id: string, how: ConsoleChoice = {}) =>
    invoke<null>("open_console", { id, ...how }),
  targetDetails: (id: string) => invoke<TargetDetails>("target_details", { id }),
  settings: () => invoke<SettingsView>("settings"),
  saveSettings: (settings: Settings) => invoke<SettingsView>("save_settings", { settings }),
  /** The keychain's own unlock prompt; the overview once it is open. */
  unlockKeychain: () => invoke<Overview>("unlock_keychain"),
  paletteTargets: () => invoke<TargetView[]>("palette_targets"),
  hidePalette: () => invoke<null>("hide_palette"),
  showMain: () => invoke<null>("show_main"),
  onPaletteShown: (handler: () => void): Promise<UnlistenFn> => listen("palette-shown", () => handler()),
  copyExports: (id: string) => invoke<null>("copy_exports", { id }),
  exportProfile: (id: string) => invoke<ProfileExport>("export_profile", { id }),
  elevate: (id: string, reason: string) => invoke<ElevationView>("elevate", { id, reason }),
  /** Ends an elevation now; the ones still running. */
  endElevation: (id: string) => invoke<ElevationView[]>("end_elevation", { id }),
  principals: () => invoke<Principal[]>("principals"),
  activity: (target: string, kind: string) => invoke<AuditEntry[]>("activity", { target, kind }),
  toggleStar: (id: string) => invoke<boolean>("toggle_star", { id }),
  setAlias: (id: string, alias: string) => invoke<TargetPrefs>("set_alias", { id, alias }),
  setColour: (id: string, colour: string | null) => invoke<TargetPrefs>("set_colour", { id, colour }),
  renew: (provider: Provider, name: string) => invoke<SessionStatus[]>("renew", { provider, name }),
  /** The identity, then every org and tenant; each as it is done comes by `onSignedIn`. */
  signInAll: () => invoke<SessionStatus[]>("sign_in_all"),
  /** One provider, or every one without arguments. */
  signOut: (provider: Provider | null = null, name: string | null = null) =>
    invoke<SessionStatus[]>("sign_out", provider === null ? {} : { provider, name }),
  onSignedIn: (handler: (done: SignedIn) => void): Promise<UnlistenFn> =>
    listen<SignedIn>("sign-in-progress", (event) => handler(event.payload)),
  startDemo: () => invoke<Overview>("start_demo"),
  setStartAtLogin: (enabled: boolean) => invoke<boolean>("set_start_at_login", { enabled }),
  saveConfig: (draft: Draft) => invoke<Overview>("save_config", { draft }),
  onProgress: (handler: (p: Progress) => void): Promise<UnlistenFn> =>
    listen<Progress>("refresh-progress", (event) => handler(event.payload)),
  onFocusSearch: (handler: () => void): Promise<UnlistenFn> => listen("focus-search", () => handler()),
  /** The sign-ins as the app finds them, renewals elsewhere (the CLI) included. */
  onSessions: (handler: (sessions: SessionStatus[]) => void): Promise<UnlistenFn> =>
    listen<SessionStatus[]>("sessions", (event) => handler(event.payload)),
};

/** A message for a failed command, whatever shape the rejection took. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  if (error && typeof error === "object" && "message" in error && typeof error.message === "string") {
    return error.message;
  }
  return t().api.unknownError;
}

/** The next step a failed command names, if it names one. */
export function nextStep(error: unknown): NextStep | null {
  if (error && typeof error === "object" && "next" in error) {
    return (error as CoreError).next ?? null;
  }
  return null;
}

/** A sign-in the next step asks for, as the provider and name "Sign in" renews. */
export function signInStep(step: NextStep | null | undefined): { provider: Provider; name: string } | null {
  if (step?.kind !== "sign_in" || !step.provider) return null;
  return { provider: step.provider, name: step.name ?? "" };
}

/** What a person calls the target: its alias, else the account, subscription or project name. */
export function displayName(t: TargetView): string {
  if (t.alias) return t.alias;
  switch (t.cloud) {
    case "aws":
      return t.account_name || t.account_id || t.id;
    case "azure":
      return t.subscription_name || t.subscription_id || t.id;
    case "gcp":
      return t.project_name || t.project_id || t.id;
  }
}

/** The second line: where the target lives. */
export function detail(t: TargetView): string {
  switch (t.cloud) {
    case "aws":
      return `${t.role ?? ""} · ${t.account_id ?? ""} · ${t.org ?? ""}`;
    case "azure":
      return [t.subscription_id ?? "", t.tenant_name || t.tenant || "", tagText(t)].filter(Boolean).join(" · ");
    case "gcp":
      return [t.project_id ?? "", tagText(t)].filter(Boolean).join(" · ");
  }
}

/** The target's tags as a person would type them: `key:value`, space-separated. */
export function tagText(t: TargetView): string {
  return Object.entries(t.tags ?? {})
    .map(([key, value]) => `${key}:${value}`)
    .join(" ");
}

/** Product names, the same in every language. */
/** A browser family as its maker names it ("firefox" → "Firefox"). */
export function browserLabel(family: string): string {
  const names: Record<string, string> = {
    chrome: "Chrome",
    chromium: "Chromium",
    brave: "Brave",
    edge: "Edge",
    vivaldi: "Vivaldi",
    firefox: "Firefox",
  };
  return names[family] ?? family;
}

export const CLOUD_LABEL: Record<TargetView["cloud"], string> = { aws: "AWS", azure: "Azure", gcp: "GCP" };

export function providerLabel(provider: Provider): string {
  return provider === "identity" ? t().api.identity : CLOUD_LABEL[provider];
}

/** Whether two lists hold the same targets, field for field, in the same order. */
export function sameTargets(a: TargetView[], b: TargetView[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((x, i) => {
    const y = b[i] as TargetView;
    const keys = Object.keys(x) as (keyof TargetView)[];
    return (
      keys.length === Object.keys(y).length &&
      keys.every((k) => x[k] === y[k] || (k === "tags" && tagText(x) === tagText(y)))
    );
  });
}

/** Where a target comes from, as a person names it: its AWS org, Azure tenant, or Google Cloud. */
export function sourceName(target: TargetView, words: Messages = t()): string {
  switch (target.cloud) {
    case "aws":
      return words.api.awsOrg(target.org ?? "");
    case "azure":
      return words.api.azureTenant(target.tenant_name || target.tenant || "");
    case "gcp":
      return words.api.googleCloud;
  }
}

/** Distinct hues, readable on the light and the dark page alike. */
const SOURCE_COLOURS = ["#e8590c", "#1c7ed6", "#2f9e44", "#ae3ec9", "#f08c00", "#0c8599", "#d6336c", "#5c7cfa"];

/** A colour per source (org, tenant), the same at every launch in every language: FNV-1a
 * of its English name. */
export function sourceColour(target: TargetView): string {
  let hash = 0x811c9dc5;
  for (const ch of sourceName(target, en)) {
    hash = Math.imul(hash ^ (ch.codePointAt(0) ?? 0), 0x01000193);
  }
  return SOURCE_COLOURS[(hash >>> 0) % SOURCE_COLOURS.length] as string;
}
