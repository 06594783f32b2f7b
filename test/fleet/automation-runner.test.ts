import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ConfigMap, DestroyOptions, PreviewOptions, UpOptions } from "@pulumi/pulumi/automation/index.js";
import { afterAll, describe, expect, it } from "vitest";
import { automationRunner, type FleetStackHandle, type StackAccess } from "../../src/fleet/automation-runner.js";
import { RunInterrupted, type FleetStack } from "../../src/fleet/orchestrate.js";
import { prefixedLines } from "../../src/fleet/output.js";

const workDir = mkdtempSync(path.join(tmpdir(), "fleet-runner-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

type Call = { op: "preview" | "up" | "destroy"; options: PreviewOptions | UpOptions | DestroyOptions };

/**
 * A stack as the Automation API hands it over, holding config as the CLI would; each operation prints
 * its output in chunks that split lines, as the CLI's pipe does.
 */
function fakeStack(config: ConfigMap) {
  const calls: Call[] = [];
  const print = (options: { onOutput?: (out: string) => void }) => {
    for (const chunk of ["Previewing upd", "ate (fleet-seoul):\n  + 12 to cr", "eate\n", "Resources: 12"]) options.onOutput?.(chunk);
  };
  const handle = {
    getAllConfig: () => Promise.resolve({ ...config }),
    removeAllConfig: (keys: string[]) => {
      for (const key of keys) delete config[key];
      return Promise.resolve();
    },
    setAllConfig: (values: ConfigMap) => {
      Object.assign(config, values);
      return Promise.resolve();
    },
    preview: (options: PreviewOptions) => (calls.push({ op: "preview", options }), print(options), Promise.resolve({})),
    up: (options: UpOptions) => (calls.push({ op: "up", options }), print(options), Promise.resolve({})),
    destroy: (options: DestroyOptions) => (calls.push({ op: "destroy", options }), print(options), Promise.resolve({})),
  } as unknown as FleetStackHandle;
  return { handle, calls, config };
}

const seoul: FleetStack = {
  name: "fleet-seoul",
  config: { "voting-platform:cloud": { value: "azure" }, "voting-platform:aksNodeCount": { value: "2" } },
  policyConfig: { "pod-security-restricted": { enforcementLevel: "advisory" } },
};

function runnerFor(stack: ReturnType<typeof fakeStack>, outputs: Record<string, Record<string, unknown>> = {}) {
  const written: string[] = [];
  const access: StackAccess = { open: () => Promise.resolve(stack.handle), outputs: (name) => Promise.resolve(outputs[name]) };
  const pulumiCommand = { command: "pulumi", version: null } as unknown as Parameters<typeof automationRunner>[0]["pulumiCommand"];
  const runner = automationRunner({ workDir, pulumiCommand, policyPack: "/project/policy", write: (t) => written.push(t) }, access);
  return { runner, written };
}

describe("the Automation API runner", () => {
  it("sets a stack's config to exactly what the fleet derives: an override deleted from the member stops applying", async () => {
    const stack = fakeStack({ "voting-platform:cloud": { value: "azure" }, "voting-platform:aksNodeCount": { value: "3" }, "voting-platform:aksMaxPods": { value: "50" } });
    await runnerFor(stack).runner.run("up", seoul);
    expect(stack.config).toEqual({ "voting-platform:cloud": { value: "azure" }, "voting-platform:aksNodeCount": { value: "2" } });
  });

  it("runs the policy pack with the stack's waivers on preview and up, and none on destroy", async () => {
    const stack = fakeStack({});
    const { runner } = runnerFor(stack);
    for (const command of ["preview", "up", "destroy"] as const) await runner.run(command, seoul);
    const policyConfig = path.join(workDir, "fleet-seoul.policy-config.json");
    for (const call of stack.calls.slice(0, 2)) expect(call.options).toMatchObject({ policyPacks: ["/project/policy"], policyPackConfigs: [policyConfig] });
    expect(stack.calls[2]?.op).toBe("destroy");
    expect(stack.calls[2]?.options).not.toHaveProperty("policyPacks");
    expect(JSON.parse(readFileSync(policyConfig, "utf8"))).toEqual(seoul.policyConfig);
  });

  it("starts no command once the run is interrupted while the config is written, and signals no CLI itself", async () => {
    const stack = fakeStack({});
    const stop = new AbortController();
    const { runner } = runnerFor(stack);
    await runner.run("up", seoul, stop.signal);
    // The CLI has Ctrl-C from the terminal already; a second signal would stop it at once.
    expect(stack.calls[0]?.options.signal).toBeUndefined();
    stop.abort();
    await expect(runner.run("up", seoul, stop.signal)).rejects.toBeInstanceOf(RunInterrupted);
    expect(stack.calls).toHaveLength(1);
  });

  it("prints each line whole under its stack's name, however the CLI's output is split", async () => {
    const stack = fakeStack({});
    const { runner, written } = runnerFor(stack);
    await runner.run("preview", seoul);
    expect(written.join("")).toBe("[fleet-seoul] Previewing update (fleet-seoul):\n[fleet-seoul]   + 12 to create\n[fleet-seoul] Resources: 12\n");
  });

  it("counts a member up once its stack has an appUrl, and a missing stack as not up", async () => {
    const { runner } = runnerFor(fakeStack({}), { "fleet-seoul": { appUrl: "http://seoul", kubeconfig: "[secret]" }, "fleet-tokyo": {} });
    expect(await runner.hasOutputs(seoul)).toBe(true);
    expect(await runner.hasOutputs({ ...seoul, name: "fleet-tokyo" })).toBe(false);
    expect(await runner.hasOutputs({ ...seoul, name: "fleet-osaka" })).toBe(false);
  });
});

describe("a stack's output under its name", () => {
  it("keeps two stacks' lines apart when their chunks interleave", () => {
    const out: string[] = [];
    const a = prefixedLines("a", (t) => out.push(t));
    const b = prefixedLines("b", (t) => out.push(t));
    a.push("one ha");
    b.push("two\nthree ha");
    a.push("lf\n");
    b.push("lf");
    b.end();
    a.end();
    expect(out.join("")).toBe("[b] two\n[a] one half\n[b] three half\n");
  });
});
