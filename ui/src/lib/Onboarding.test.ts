import { render, screen, fireEvent, cleanup } from "@testing-library/svelte";
import { clearMocks } from "@tauri-apps/api/mocks";
import { afterEach, describe, expect, it, vi } from "vitest";
import Onboarding from "./Onboarding.svelte";
import { overviewOf, serve } from "../test-ipc";

afterEach(() => {
  cleanup();
  clearMocks();
});

describe("onboarding", () => {
  it("saves the org and hands the new overview on", async () => {
    const ondone = vi.fn();
    const calls = serve({ save_config: () => overviewOf([]) });
    render(Onboarding, { ondone, ondemo: vi.fn() });
    await fireEvent.click(screen.getByRole("checkbox"));
    await fireEvent.input(screen.getByRole("textbox", { name: "Name" }), { target: { value: "acme" } });
    await fireEvent.input(screen.getByRole("textbox", { name: "Start URL" }), {
      target: { value: "https://acme.awsapps.com/start" },
    });
    await fireEvent.input(screen.getByRole("textbox", { name: "Region" }), { target: { value: "eu-west-1" } });
    await fireEvent.click(screen.getByRole("button", { name: "Save and continue" }));
    await vi.waitFor(() => expect(ondone).toHaveBeenCalled());
    expect(calls[0]?.args).toEqual({
      draft: {
        identity: null,
        orgs: [{ name: "acme", start_url: "https://acme.awsapps.com/start", region: "eu-west-1" }],
        tenants: [],
      },
    });
  });

  it("shows the config parser's message under the field it is about", async () => {
    serve({
      save_config: () =>
        Promise.reject({
          message: "1 field(s) need a change",
          fields: [{ field: "orgs.0.region", message: "`mars-1` is not an AWS region" }],
        }),
    });
    render(Onboarding, { ondone: vi.fn(), ondemo: vi.fn() });
    await fireEvent.click(screen.getByRole("button", { name: "Save and continue" }));
    const region = screen.getByRole("textbox", { name: /Region/ });
    expect(await screen.findByText("`mars-1` is not an AWS region")).toBeInTheDocument();
    expect(region).toHaveAttribute("aria-invalid", "true");
    expect(screen.getByRole("alert")).toHaveTextContent("1 field(s) need a change");
  });

  it("offers the demo", async () => {
    serve({});
    const ondemo = vi.fn();
    render(Onboarding, { ondone: vi.fn(), ondemo });
    await fireEvent.click(screen.getByRole("button", { name: "Try the demo" }));
    expect(ondemo).toHaveBeenCalledOnce();
  });

  it("adds an Azure tenant on request", async () => {
    serve({});
    render(Onboarding, { ondone: vi.fn(), ondemo: vi.fn() });
    await fireEvent.click(screen.getByRole("button", { name: "Add an Azure tenant" }));
    expect(screen.getByRole("textbox", { name: "Tenant" })).toBeInTheDocument();
  });
});
