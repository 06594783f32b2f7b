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
function fakeStack(config: ConfigMap, { failConfig }: { failConfig?: Error } = {}) {
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
      if (failConfig) return Promise.reject(failConfig);
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

  it("starts no command once the run is interrupted while the config is written", async () => {
    const stack = fakeStack({});
    const stop = new AbortController();
    stop.abort();
    await expect(runnerFor(stack).runner.run("up", seoul, { stop: stop.signal })).rejects.toBeInstanceOf(RunInterrupted);
    expect(stack.calls).toHaveLength(0);
  });

  it("says a stack whose config calls a Ctrl-C cut short was interrupted, not that it failed", async () => {
    const stop = new AbortController();
    stop.abort();
    const cut = fakeStack({}, { failConfig: new Error("code: 255\nstderr: error: context canceled") });
    await expect(runnerFor(cut).runner.run("up", seoul, { stop: stop.signal })).rejects.toBeInstanceOf(RunInterrupted);
    // Without an interrupt, the same error is the stack's own.
    await expect(runnerFor(cut).runner.run("up", seoul)).rejects.toThrow("context canceled");
  });

  const interrupts = [
    // A terminal's Ctrl-C: the CLI has it already, and a second signal would stop it at once.
    { signal: "Ctrl-C", at: "update", sigints: 0 },
    { signal: "Ctrl-C with no cancel given", at: "update", sigints: 0 },
    // A signal to this process alone, while the Automation API prepares the CLI, as the CLI prints its
    // banner (before it can cancel), or once its engine runs: one SIGINT, once the engine runs.
    { signal: "SIGTERM", at: "spawn", sigints: 1 },
    { signal: "SIGTERM", at: "banner", sigints: 1 },
    { signal: "SIGTERM", at: "update", sigints: 1 },
    // Held for the engine, then a terminal's Ctrl-C reaches the CLI itself: the held one must not follow.
    { signal: "SIGTERM, then Ctrl-C", at: "banner", sigints: 0 },
    // After the engine's last event the CLI writes the state and unlocks, and would die of a SIGINT.
    { signal: "SIGTERM", at: "engine's end", sigints: 0 },
    { signal: "SIGTERM", at: "command's end", sigints: 0 },
  ] as const;
  for (const command of ["preview", "up", "destroy"] as const) {
    for (const { signal, at, sigints } of interrupts) {
      it(`sends the CLI of a ${command} ${sigints} SIGINT on a ${signal} at its ${at}, and none before its engine runs`, async () => {
        const stop = new AbortController();
        const cancel = new AbortController();
        const delivered = new AbortController();
        const ctrlC = signal.startsWith("Ctrl-C");
        // Each signal twice: a second must pass nothing further.
        const interrupt = () => [1, 2].forEach(() => (ctrlC && delivered.abort(), stop.abort(), !ctrlC && cancel.abort()));
        let sent = 0;
        let sentOutsideEngine = false;
        const run = (options: UpOptions) => {
          if (at === "spawn") interrupt();
          // The Automation API listens for the abort once it has spawned the CLI.
          if (options.signal?.aborted) throw new Error("an abort before the CLI is spawned is never heard");
          options.signal?.addEventListener("abort", () => sent++);
          options.onOutput?.("Updating (fleet-seoul):\n");
          if (at === "banner") interrupt();
          if (signal === "SIGTERM, then Ctrl-C") delivered.abort();
          sentOutsideEngine = sent > 0;
          options.onEvent?.({ sequence: 1, timestamp: 0, preludeEvent: { config: {} } });
          if (at === "update") interrupt();
          options.onEvent?.({ sequence: 2, timestamp: 0, cancelEvent: {} });
          const before = sent;
          if (at === "engine's end") interrupt();
          sentOutsideEngine ||= sent > before;
          return Promise.resolve({});
        };
        const handle = { ...fakeStack({}).handle, preview: run, up: run, destroy: run } as unknown as FleetStackHandle;
        const access: StackAccess = { open: () => Promise.resolve(handle), outputs: () => Promise.resolve(undefined) };
        const pulumiCommand = { command: "pulumi", version: null } as unknown as Parameters<typeof automationRunner>[0]["pulumiCommand"];
        const runner = automationRunner({ workDir, pulumiCommand, policyPack: "/project/policy", write: () => undefined }, access);
        await runner.run(command, seoul, { stop: stop.signal, cancel: signal.endsWith("no cancel given") ? undefined : cancel.signal, delivered: delivered.signal });
        if (at === "command's end") interrupt();
        expect(sentOutsideEngine).toBe(false);
        expect(sent).toBe(sigints);
      });
    }
  }

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
