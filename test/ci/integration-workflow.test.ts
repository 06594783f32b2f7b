import { describe, expect, it } from "vitest";
import { input, interpolate, read, runs, stacks, type Step, workflow } from "./support/workflows.js";

/**
 * The manual workflow that runs test/integration/deploy.test.ts: it sets what that test reads, installs
 * the Pulumi CLI it needs, and deploys a throwaway copy of a dev stack, never a stack the Deploy
 * workflow keeps.
 */
const integration = workflow(".github/workflows/integration.yml");
const deploy = workflow(".github/workflows/deploy.yml");
const e2e = integration.jobs.e2e;
const steps: Step[] = e2e?.steps ?? [];
const testSource = read("test/integration/deploy.test.ts");
const dispatch = integration.on.workflow_dispatch as { inputs: { stack: { type: string; options: string[] } } };
const options = dispatch.inputs.stack.options;

/** The contexts of a manual run of `stack` (run number 4242), with the check's outputs. */
const contexts = (stack: string, outputs = { azure: "true", aws: "true" }) => ({
  inputs: { stack },
  github: { run_number: 4242, event_name: "workflow_dispatch" },
  needs: { check: { outputs } },
});

describe("the integration workflow", () => {
  it("only runs when started by hand", () => {
    expect(Object.keys(integration.on)).toEqual(["workflow_dispatch"]);
  });

  it("offers the dev stacks of both clouds, no fleet (two clouds at once) and no prod stack, whose protected resources destroy refuses", () => {
    const dev = stacks.filter((s) => s.environment === "dev" && s.cloud !== "existing" && s.cloud !== "fleet").map((s) => s.name);
    expect(dispatch.inputs.stack.type).toBe("choice");
    expect([...options].sort()).toEqual(dev.sort());
  });

  it("sets the variable the test reads to a stack name of its own", () => {
    const variable = /process\.env\.(\w+)/.exec(testSource)?.[1];
    expect(variable).toBe("VOTING_PLATFORM_E2E_STACK");
    for (const stack of options) {
      const name = interpolate(e2e?.env?.[variable ?? ""] ?? "", contexts(stack));
      // A base name Pulumi.yaml's `name` accepts (2-16 lowercase letters, digits, hyphens)...
      expect(name).toMatch(/^[a-z0-9-]{2,16}$/);
      // ...and no stack anyone keeps.
      expect(stacks.map((s) => s.name)).not.toContain(name);
      expect(name).toBe(`e2e-${stack.slice(-3)}-4242`);
    }
  });

  it("makes that stack from a copy of the chosen stack file before the test runs", () => {
    const copy = steps.findIndex((step) => step.run === 'cp "stacks/Pulumi.$TEMPLATE.yaml" "stacks/Pulumi.$VOTING_PLATFORM_E2E_STACK.yaml"');
    const test = steps.findIndex((step) => step.run === "npx vitest run test/integration/deploy.test.ts");
    expect(copy).toBeGreaterThanOrEqual(0);
    expect(test).toBeGreaterThan(copy);
    expect(e2e?.env?.TEMPLATE).toBe("${{ inputs.stack }}");
  });

  it("puts the Pulumi CLI on PATH, which the test needs, without running a command", () => {
    const pulumi = steps.find((step) => step.uses?.startsWith("pulumi/actions@"));
    expect(pulumi?.with).toEqual({ "pulumi-version": expect.any(String) });
    expect(testSource).toContain('execFileSync("pulumi", ["version"]');
  });

  it("signs in to the chosen stack's cloud, and gives the test the Pulumi token", () => {
    const setup = steps.find((step) => step.uses === "./.github/actions/setup-deploy");
    for (const stack of options) {
      expect(interpolate(input(setup ?? {}, "cloud") ?? "", contexts(stack))).toBe(stacks.find((s) => s.name === stack)?.cloud);
    }
    expect(e2e?.env?.PULUMI_ACCESS_TOKEN).toBe("${{ secrets.PULUMI_ACCESS_TOKEN }}");
    expect(e2e?.permissions).toEqual({ contents: "read", "id-token": "write" });
    expect(e2e?.environment).toBe("development");
  });

  it("is skipped, like the deploys, when the chosen cloud's secrets check failed", () => {
    expect(integration.jobs.check).toEqual(deploy.jobs.check);
    expect([e2e?.needs].flat()).toContain("check");
    for (const stack of options) {
      const cloud = stacks.find((s) => s.name === stack)?.cloud;
      expect(runs(e2e?.if ?? "true", contexts(stack)), stack).toBe(true);
      expect(runs(e2e?.if ?? "true", contexts(stack, { azure: "false", aws: "false" })), stack).toBe(false);
      const other = cloud === "azure" ? { azure: "false", aws: "true" } : { azure: "true", aws: "false" };
      expect(runs(e2e?.if ?? "true", contexts(stack, other)), `${stack} with only the other cloud`).toBe(false);
    }
  });

  it("cleans the stack up even when the test failed or the run was cancelled", () => {
    const cleanup = steps.at(-1);
    expect(cleanup?.if).toBe("always()");
    expect(cleanup?.run).toMatch(/pulumi destroy --yes --skip-preview --stack "\$VOTING_PLATFORM_E2E_STACK"/);
    expect(cleanup?.run).toMatch(/pulumi stack rm --yes --stack "\$VOTING_PLATFORM_E2E_STACK"/);
  });

  it("leaves the test more time than its own timeout, for destroy and cleanup", () => {
    // The test's own timeout, the `N * 60_000` after its body.
    const minutes = Number(/^\s*(\d+) \* 60_000,$/m.exec(testSource)?.[1]);
    expect(minutes).toBeGreaterThan(0);
    expect(e2e?.["timeout-minutes"]).toBeGreaterThan(minutes);
  });
});
