import { describe, expect, it } from "vitest";
import { detail, sameTargets, sourceColour, type TargetView } from "./api";
import { setLocale } from "./i18n/index.svelte";
import { aws } from "../test-ipc";

describe("sameTargets", () => {
  const a = aws("111111111111", "Admin", { account_name: "payments" });
  const b = aws("222222222222", "Admin", { account_name: "search" });

  it("holds for equal copies in the same order", () => {
    expect(sameTargets([a, b], [{ ...a }, { ...b }])).toBe(true);
  });

  it("fails for another order, another length or one changed field", () => {
    expect(sameTargets([a, b], [b, a])).toBe(false);
    expect(sameTargets([a, b], [a])).toBe(false);
    expect(sameTargets([a, b], [a, { ...b, alias: "s" }])).toBe(false);
  });
});

describe("detail", () => {
  it("shows a subscription's tags after its id and tenant", () => {
    const subscription: TargetView = {
      id: "azure:acme/s1",
      cloud: "azure",
      subscription_id: "s1",
      tenant: "acme.onmicrosoft.com",
      tenant_name: "ACME",
      tags: { costCenter: "cc-100", environment: "production" },
      opens: 0,
    };
    expect(detail(subscription)).toBe("s1 · ACME · costCenter:cc-100 environment:production");
  });
});

describe("sourceColour", () => {
  it("gives the targets of one org one colour, and two orgs two", () => {
    const acme = aws("111111111111", "Admin", { org: "acme" });
    const acmeToo = aws("222222222222", "ReadOnly", { org: "acme" });
    const globex = aws("333333333333", "Admin", { org: "globex" });
    expect(sourceColour(acme)).toBe(sourceColour(acmeToo));
    expect(sourceColour(acme)).not.toBe(sourceColour(globex));
  });

  it("keeps a source's colour in every language", () => {
    const acme = aws("111111111111", "Admin", { org: "acme" });
    const english = sourceColour(acme);
    setLocale("ja");
    expect(sourceColour(acme)).toBe(english);
    setLocale("en");
  });
});
