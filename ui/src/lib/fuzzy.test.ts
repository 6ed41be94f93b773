import { describe, expect, it } from "vitest";
import { index, score, search, typingSearch } from "./fuzzy";
import { aws } from "../test-ipc";
import type { TargetView } from "./api";

describe("fuzzy search", () => {
  const targets = [
    aws("111111111111", "AdministratorAccess", { account_name: "payments-prod" }),
    aws("222222222222", "ReadOnlyAccess", { account_name: "search-dev" }),
    aws("333333333333", "ReadOnlyAccess", { account_name: "payments-dev" }),
  ];
  const ids = (query: string) => search(index(targets), query).map((t) => t.account_name);

  it("keeps everything in order for an empty query", () => {
    expect(ids("  ")).toEqual(["payments-prod", "search-dev", "payments-dev"]);
  });

  it("needs every word to match", () => {
    expect(ids("pay read")).toEqual(["payments-dev"]);
  });

  it("matches abbreviations as subsequences", () => {
    expect(ids("pmtsprd")).toEqual(["payments-prod"]);
  });

  it("matches account ids", () => {
    expect(ids("2222")).toEqual(["search-dev"]);
  });

  it("ranks consecutive letters above scattered ones", () => {
    expect((score("dev", "search-dev") ?? 0) > (score("dev", "d e v") ?? 0)).toBe(true);
  });

  it("gives the same results typing letter by letter as searching at once", () => {
    const typing = typingSearch(index(targets));
    let last: string[] = [];
    for (const query of ["p", "pa", "pay", "pay ", "pay r", "pay re", "pay r", "pay"]) {
      last = typing(query).map((t) => t.account_name ?? "");
      expect(last).toEqual(ids(query));
    }
    expect(last).toEqual(["payments-prod", "payments-dev"]);
  });

  it("ranks the better match first and keeps list order between equals", () => {
    expect(ids("dev")).toEqual(["search-dev", "payments-dev"]);
    expect(ids("prod")).toEqual(["payments-prod"]);
    expect(ids("access")).toEqual(["payments-prod", "search-dev", "payments-dev"]);
  });

  it("gives the same results as searching at once whatever is typed, deleted or retyped", () => {
    const typing = typingSearch(index(targets));
    const queries = ["r", "re", "rea", "read ", "read p", "read pay", "read pa", "read", "read  dev", "REad dev ", "", "2", "22 s", "33"];
    for (const query of queries) {
      expect(typing(query).map((t) => t.account_name)).toEqual(ids(query));
    }
  });

  it("finds subscriptions and projects by their tags, typed as key:value", () => {
    const tagged: TargetView[] = [
      { id: "azure:t/1", cloud: "azure", subscription_name: "web", tags: { environment: "production" }, opens: 0 },
      { id: "gcp:batch", cloud: "gcp", project_name: "batch", tags: { env: "dev" }, opens: 0 },
    ];
    const names = (query: string) => search(index(tagged), query).map((t) => t.id);
    expect(names("environment:prod")).toEqual(["azure:t/1"]);
    expect(names("env:dev")).toEqual(["gcp:batch"]);
  });

  it("finds nothing for letters that are not there", () => {
    expect(ids("zzz")).toEqual([]);
  });
});
