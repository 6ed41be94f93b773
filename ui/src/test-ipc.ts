import { mockIPC } from "@tauri-apps/api/mocks";
import type { Overview, TargetView } from "./lib/api";

export interface Call {
  cmd: string;
  args: Record<string, unknown>;
}

type Handler = (args: Record<string, unknown>) => unknown;

/**
 * Answers the UI's commands as the Rust side would, and records each call (event
 * plumbing aside). A command without a handler fails the way an unknown one would.
 */
export function serve(handlers: Record<string, Handler>): Call[] {
  const calls: Call[] = [];
  mockIPC(
    (cmd, payload) => {
      const args = (payload ?? {}) as Record<string, unknown>;
      calls.push({ cmd, args });
      const handler = handlers[cmd];
      if (!handler) throw new Error(`unexpected command ${cmd}`);
      return handler(args);
    },
    { shouldMockEvents: true },
  );
  return calls;
}

export function aws(account: string, role: string, extra: Partial<TargetView> = {}): TargetView {
  const id = `aws:acme/${account}/${role}`;
  return {
    id,
    cloud: "aws",
    org: "acme",
    account_id: account,
    account_name: `name-${account}`,
    role,
    opens: 0,
    ...extra,
  };
}

export function overviewOf(targets: TargetView[], extra: Partial<Overview> = {}): Overview {
  return {
    configured: true,
    demo: false,
    start_demo: false,
    start_at_login: false,
    config_path: "/home/dev/.config/kumo/config.toml",
    now: 1_800_000_000,
    sessions: [{ provider: "aws", name: "acme", account: null, expires_at: 1_800_000_000 + 3 * 3600 + 300 }],
    principals: [],
    elevations: [],
    targets,
    errors: [],
    locale: "en",
    ...extra,
  };
}

export const unchanged = (targets: TargetView[]) => ({ targets, errors: [], changes: { added: [], removed: [] } });
