import { invoke } from "@tauri-apps/api/core";

/** Mirrors kumo_core::doctor::Check. Metadata only: no secret ever reaches the webview. */
export interface Check {
  id: "config" | "keychain" | "browser" | "endpoints";
  title: string;
  status: "ok" | "fail";
  summary: string;
  details: string[];
  fix: string | null;
}

/** Mirrors kumo_core::doctor::DoctorReport. */
export interface DoctorReport {
  version: string;
  checks: Check[];
}

export function loadDoctorReport(): Promise<DoctorReport> {
  return invoke<DoctorReport>("doctor");
}
