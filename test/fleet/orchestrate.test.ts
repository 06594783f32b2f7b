import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { prepareWorkspace } from "../../src/fleet/automation-runner.js";
import { projectRoot } from "../../src/plan/stack-config.js";
import { EventEmitter } from "node:events";
import { interrupts, main, refuseTakenNames } from "../../src/fleet/cli.js";
import { offlineRunner } from "../../src/fleet/offline-runner.js";
import { failureReason, orchestrate, type FleetCommand, type FleetStack, type FleetStacks, type RunSignals, type StackRunner } from "../../src/fleet/orchestrate.js";
import { fleetStacks } from "../../src/fleet/stacks.js";
import { loadStackSettings } from "../../src/config.js";
import { stackRunConfig } from "../../src/plan/capture.js";

const stack = (name: string): FleetStack => ({ name, config: {}, policyConfig: {} });
const stacks: FleetStacks = { members: [stack("fleet-seoul"), stack("fleet-tokyo")], global: stack("fleet-global") };

interface Recording {
  fail?: string[];
  /** Called as each stack starts, e.g. to interrupt the run. */
  onStart?: (stack: string) => void;
  up?: string[];
  /** How long each stack's run takes, in ms. @default 5 */
  takes?: Record<string, number>;
}

/** A runner that records when each stack starts and ends, and how many run at once. */
function recordingRunner({ fail = [], up = ["fleet-seoul", "fleet-tokyo"], takes = {}, onStart }: Recording = {}) {
  const events: string[] = [];
  const signals: (RunSignals | undefined)[] = [];
  let running = 0;
  let most = 0;
  const runner: StackRunner = {
    hasOutputs: (s) => (events.push(`outputs of ${s.name}`), Promise.resolve(up.includes(s.name))),
    async run(command: FleetCommand, s: FleetStack, given?: RunSignals) {
      signals.push(given);
      events.push(`start ${s.name}`);
      onStart?.(s.name);
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, takes[s.name] ?? 5));
      running--;
      events.push(`end ${s.name}`);
      if (fail.includes(s.name)) throw new Error(`${command} of ${s.name} failed`);
    },
  };
  return { runner, events, signals, most: () => most };
}

async function run(command: FleetCommand, fail: string[] = [], up?: string[]) {
  const { runner, events } = recordingRunner({ fail, up });
  const report = await orchestrate(command, stacks, runner);
  return { report, starts: events };
}

describe("npm run fleet", () => {
  it("previews and brings up the members side by side, then the global stack", async () => {
    for (const command of ["preview", "up"] as const) {
      const { report, starts } = await run(command);
      expect(starts.slice(0, 2).sort()).toEqual(["start fleet-seoul", "start fleet-tokyo"]);
      expect(starts.indexOf("start fleet-global")).toBeGreaterThan(Math.max(starts.indexOf("end fleet-seoul"), starts.indexOf("end fleet-tokyo")));
      expect(report.ok).toBe(true);
    }
  });

  it("previews no global stack before the members are up, whose outputs it reads, and says so", async () => {
    const { report, starts } = await run("preview", [], ["fleet-seoul"]);
    expect(starts).not.toContain("start fleet-global");
    expect(report.outcomes).toContainEqual({
      stack: "fleet-global",
      status: "skipped",
      reason: "member stack(s) fleet-tokyo have not been brought up, so the global entry has nothing to read yet; npm run fleet -- up brings them up first",
    });
    expect(report.ok).toBe(true);
  });

  it("destroys the global stack first, then the members side by side", async () => {
    const { report, starts } = await run("destroy");
    expect(starts.slice(0, 2)).toEqual(["start fleet-global", "end fleet-global"]);
    expect(starts.slice(2, 4).sort()).toEqual(["start fleet-seoul", "start fleet-tokyo"]);
    expect(report.ok).toBe(true);
  });

  it("leaves the global entry alone when a member fails, and lets the other member finish", async () => {
    // Tokyo fails at once; Seoul is still running then, and must be let run to its end.
    const { runner, events } = recordingRunner({ fail: ["fleet-tokyo"], takes: { "fleet-tokyo": 1, "fleet-seoul": 40 } });
    const report = await orchestrate("up", stacks, runner);
    expect(events.indexOf("end fleet-tokyo")).toBeLessThan(events.indexOf("end fleet-seoul"));
    expect(events).not.toContain("start fleet-global");
    expect(report.ok).toBe(false);
    expect(report.outcomes).toEqual([
      { stack: "fleet-tokyo", status: "failed", error: "up of fleet-tokyo failed" },
      { stack: "fleet-seoul", status: "succeeded" },
      { stack: "fleet-global", status: "skipped", reason: "member stack(s) fleet-tokyo did not succeed; the global entry is left as it was" },
    ]);
  });

  it("runs no more member stacks at once than --parallel allows", async () => {
    const many: FleetStacks = { members: ["a", "b", "c", "d", "e"].map((m) => stack(`fleet-${m}`)), global: stack("fleet-global") };
    const up = many.members.map((m) => m.name);
    for (const [parallel, most] of [[2, 2], [1, 1], [8, 5]] as const) {
      const recording = recordingRunner({ up });
      const report = await orchestrate("up", many, recording.runner, { parallel });
      expect(recording.most()).toBe(most);
      expect(report.outcomes.map((o) => o.status)).toEqual(Array(6).fill("succeeded"));
    }
  });

  it("starts no further stack once stopped, lets the running one end, and reports the run as not ok", async () => {
    const stop = new AbortController();
    const { runner, events, signals } = recordingRunner();
    const running = orchestrate("up", stacks, runner, { parallel: 1, stop: stop.signal });
    stop.abort();
    const report = await running;
    expect(events).toEqual(["start fleet-seoul", "end fleet-seoul"]);
    expect(signals).toEqual([{ stop: stop.signal, cancel: undefined }]);
    expect(report.outcomes).toEqual([
      { stack: "fleet-seoul", status: "succeeded" },
      { stack: "fleet-tokyo", status: "skipped", reason: "not started: the run was interrupted" },
      { stack: "fleet-global", status: "skipped", reason: "member stack(s) fleet-tokyo did not succeed; the global entry is left as it was" },
    ]);
    expect(report.ok).toBe(false);
  });

  it("reports a stack that ends in error once stopped as interrupted, and asks nothing more of the members' stacks", async () => {
    const stop = new AbortController();
    const cancel = new AbortController();
    const delivered = new AbortController();
    const { runner, events, signals } = recordingRunner({ fail: ["fleet-seoul"], onStart: (s) => s === "fleet-tokyo" && (stop.abort(), cancel.abort()) });
    const report = await orchestrate("preview", stacks, runner, { parallel: 2, stop: stop.signal, cancel: cancel.signal, delivered: delivered.signal });
    expect(signals[0]).toEqual({ stop: stop.signal, cancel: cancel.signal, delivered: delivered.signal });
    expect(report.outcomes).toEqual([
      { stack: "fleet-seoul", status: "interrupted", error: "preview of fleet-seoul failed" },
      { stack: "fleet-tokyo", status: "succeeded" },
      { stack: "fleet-global", status: "skipped", reason: "member stack(s) fleet-seoul did not succeed; the global entry is left as it was" },
    ]);
    expect(events.filter((e) => e.startsWith("outputs of"))).toEqual([]);
    expect(report.ok).toBe(false);
  });

  it("reads no member's outputs for a preview stopped after its members succeeded", async () => {
    const stop = new AbortController();
    const { runner, events } = recordingRunner({ onStart: (s) => s === "fleet-tokyo" && stop.abort() });
    const report = await orchestrate("preview", stacks, runner, { stop: stop.signal });
    expect(events.filter((e) => e.startsWith("outputs of"))).toEqual([]);
    expect(report.outcomes.at(-1)).toEqual({ stack: "fleet-global", status: "skipped", reason: "not started: the run was interrupted" });
  });

  it("takes outputs a Ctrl-C cut short as the interrupt, not as members whose outputs cannot be read", async () => {
    const stop = new AbortController();
    const { runner } = recordingRunner();
    const cut: StackRunner = { ...runner, hasOutputs: () => (stop.abort(), Promise.reject(new Error("code: 255\nstderr: error: context canceled"))) };
    const report = await orchestrate("preview", stacks, cut, { stop: stop.signal });
    expect(report.outcomes.at(-1)).toEqual({ stack: "fleet-global", status: "skipped", reason: "not started: the run was interrupted" });
  });

  it("says why a stack failed in the resource's error line, not the CLI's whole output", async () => {
    // As the Automation API's CommandError holds it; Pulumi lists the diagnostics in no set order.
    const progress = Array.from({ length: 200 }, (_, i) => `    + aws:ec2:Subnet subnet-${i} creating`);
    const diagnostics = [
      ["  pulumi:pulumi:Stack (voting-platform-fleet-tokyo):", "    error: update failed", ""],
      ["  aws:eks:Cluster (fleet-tokyo-control-plane-cluster):", "    error: creating EKS Cluster: ResourceInUseException: Cluster already exists", ""],
    ];
    for (const order of [diagnostics, [...diagnostics].reverse()]) {
      const message = ["code: 255", " stdout: Updating (fleet-tokyo):", ...progress, "Diagnostics:", ...order.flat(), "Resources:", "    + 40 created", "", " stderr: ", " err?: ", ""].join("\n");
      expect(failureReason(new Error(message))).toBe("aws:eks:Cluster (fleet-tokyo-control-plane-cluster): error: creating EKS Cluster: ResourceInUseException: Cluster already exists");
    }
    expect(failureReason(new Error("code: 255\n stdout: \n stderr: error: update failed\n"))).toBe("error: update failed");
    expect(failureReason(new Error("code: -2\n stdout: \n stderr: spawn pulumi ENOENT\n err?: Error: spawn pulumi ENOENT\n"))).toBe("spawn pulumi ENOENT");
    expect(failureReason(new Error(`error: ${"x".repeat(1000)}`))).toHaveLength(300);
  });

  it("skips the global preview, and fails the run, when a member's outputs cannot be read", async () => {
    const { runner } = recordingRunner();
    const report = await orchestrate("preview", stacks, { ...runner, hasOutputs: (s) => (s.name === "fleet-tokyo" ? Promise.reject(new Error("error: could not reach the backend")) : Promise.resolve(true)) });
    expect(report.outcomes.at(-1)).toEqual({ stack: "fleet-global", status: "skipped", reason: "the outputs of fleet-tokyo could not be read: error: could not reach the backend" });
    expect(report.ok).toBe(false);
  });

  it("keeps the members when the global stack's destroy fails, since its records still name them", async () => {
    const { report, starts } = await run("destroy", ["fleet-global"]);
    expect(starts).toEqual(["start fleet-global", "end fleet-global"]);
    expect(report.outcomes.filter((o) => o.status === "skipped").map((o) => o.stack)).toEqual(["fleet-seoul", "fleet-tokyo"]);
    expect(report.ok).toBe(false);
  });

  it("gives each member stack the member's config, and the global stack the fleet's, told to read the members", () => {
    const { source } = stackRunConfig("fleet", {}, { offline: true });
    const loaded = loadStackSettings(source);
    if (loaded.kind !== "fleet") throw new Error("not a fleet");
    const { members, global } = fleetStacks(loaded.fleet, source.values);
    expect(members.map((m) => [m.name, m.config["voting-platform:cloud"]?.value, m.config["voting-platform:name"]?.value])).toEqual([
      ["fleet-seoul", "azure", "fleet-seoul"],
      ["fleet-tokyo", "aws", "fleet-tokyo"],
    ]);
    // The fleet's waivers hold for every stack, as the policy pack's config.
    expect(Object.keys(global.policyConfig)).toEqual(Object.keys(members[0]?.policyConfig ?? {}));
    expect(global.policyConfig["pod-security-restricted"]).toEqual({ enforcementLevel: "advisory" });
    expect(members[1]?.config["aws:region"]).toEqual({ value: "ap-northeast-1" });
    expect(members[0]?.config["voting-platform:fleetMembers"]).toBeUndefined();
    expect(global.name).toBe("fleet-global");
    expect(global.config["voting-platform:fleetMemberStacks"]).toEqual({ value: "fleet" });
    expect(global.config["voting-platform:fleetMembers"]?.value).toBe(source.values["voting-platform:fleetMembers"]);
  });

  it("previews offline in that order: the global stack reads the members' outputs by stack reference", async () => {
    const lines: string[] = [];
    expect(await main(["preview", "--offline"], (t) => lines.push(t))).toBe(0);
    const out = lines.join("");
    expect(out).toContain("fleet preview: every stack succeeded");
    expect(out.indexOf("ok       fleet-global")).toBeGreaterThan(Math.max(out.indexOf("ok       fleet-seoul"), out.indexOf("ok       fleet-tokyo")));
  }, 60_000);

  it("fails offline where a real preview would, if the global stack ran before its members had outputs", async () => {
    const { source } = stackRunConfig("fleet", {}, { offline: true });
    const loaded = loadStackSettings(source);
    if (loaded.kind !== "fleet") throw new Error("not a fleet");
    const runner = offlineRunner(source.project, source.examples ?? []);
    const { global } = fleetStacks(loaded.fleet, source.values);
    await expect(runner.run("preview", global)).rejects.toThrow("fleet-global reads fleet-seoul, fleet-tokyo by stack reference, and they have no outputs");
  }, 60_000);

  for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
    it(`starts no further stack after a ${signal}, lets the running one end, and exits ${code}`, async () => {
      const signals = new EventEmitter();
      const lines: string[] = [];
      const write = (t: string) => {
        lines.push(t);
        // Once main awaits its first member, started, with the second waiting its turn: not a moment later,
        // when the cached offline plan of both may already be done.
        if (t.startsWith("fleet preview: fleet-seoul, fleet-tokyo")) queueMicrotask(() => signals.emit(signal));
      };
      expect(await main(["preview", "--offline", "--parallel", "1"], write, signals)).toBe(code);
      const out = lines.join("");
      expect(out).toContain(`fleet: ${signal}; no further stack starts`);
      expect(out).toContain("ok       fleet-seoul");
      expect(out).toContain("skipped  fleet-tokyo: not started: the run was interrupted");
      expect(signals.listenerCount("SIGINT") + signals.listenerCount("SIGTERM")).toBe(0);
    }, 60_000);
  }

  it("cancels the running stacks on a signal that reached this process alone, and not after a terminal's Ctrl-C, which reached their CLIs too", () => {
    const cases = [
      // A terminal's Ctrl-C, then docker stop: the CLIs have had one signal, and a second would stop them at once.
      { terminal: true, sent: ["SIGINT", "SIGTERM"], cancels: [false, false], delivered: true },
      // A CI runner's SIGINT to the entry process, then its SIGTERM: cancelled on the first.
      { terminal: false, sent: ["SIGINT", "SIGTERM"], cancels: [true, true], delivered: false },
      // A SIGTERM, then a Ctrl-C: a cancel still held for a CLI that had not begun must not follow the Ctrl-C.
      { terminal: true, sent: ["SIGTERM", "SIGINT"], cancels: [true, true], delivered: true },
    ] as const;
    for (const { terminal, sent, cancels, delivered } of cases) {
      const signals = new EventEmitter();
      const signalled = interrupts(signals, () => undefined, () => terminal);
      const seen = sent.map((signal) => (signals.emit(signal), signalled.signals.cancel.aborted));
      expect([signalled.signals.stop.aborted, seen, signalled.signals.delivered.aborted]).toEqual([true, cancels, delivered]);
      signalled.dispose();
      expect(signals.listenerCount("SIGINT") + signals.listenerCount("SIGTERM")).toBe(0);
    }
  });

  it("refuses fleet stack names that stacks/ already has, since they share the project's stack names", () => {
    const named = (name: string): FleetStack => ({ name, config: {}, policyConfig: {} });
    expect(() => refuseTakenNames({ members: [named("dev-aks"), named("dev-web")], global: named("dev-global") }, "dev")).toThrow(
      "npm run fleet would name stack(s) dev-aks, which the project already has (stacks/Pulumi.dev-aks.yaml)",
    );
    expect(() => refuseTakenNames(stacks, "fleet")).not.toThrow();
  });

  it("refuses a stack name another fleet's workspace already holds: fleet-a's member b and fleet's member a-b are both fleet-a-b", () => {
    const root = mkdtempSync(path.join(tmpdir(), "fleet-names-"));
    try {
      writeFileSync(path.join(root, "Pulumi.yaml"), "name: voting-platform\nstackConfigDir: stacks\n");
      mkdirSync(path.join(root, "stacks"));
      mkdirSync(path.join(root, ".fleet", "fleet-a"), { recursive: true });
      writeFileSync(path.join(root, ".fleet", "fleet-a", "Pulumi.fleet-a-b.yaml"), "config: {}\n");
      const named = (name: string): FleetStack => ({ name, config: {}, policyConfig: {} });
      const fleet = { members: [named("fleet-a-b")], global: named("fleet-global") };
      expect(() => refuseTakenNames(fleet, "fleet", root)).toThrow("(.fleet/fleet-a/Pulumi.fleet-a-b.yaml)");
      // The fleet's own workspace holds its own stacks.
      expect(() => refuseTakenNames({ members: [named("fleet-a-b")], global: named("fleet-a-global") }, "fleet-a", root)).not.toThrow();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("refuses a stack that is not a fleet, and up or destroy offline, naming what it needs", async () => {
    await expect(main(["preview", "--stack", "dev-aks", "--offline"], () => undefined)).rejects.toThrow(/not a fleet/);
    await expect(main(["up", "--offline"], () => undefined)).rejects.toThrow(/--offline previews only/);
    await expect(main(["deploy"], () => undefined)).rejects.toThrow(/expected one command, preview, up, destroy; got deploy/);
    await expect(main(["preview", "--parallel", "0"], () => undefined)).rejects.toThrow("--parallel takes a whole number of stacks, 1 or more; got 0");
  });
});

describe("the fleet's workspace", () => {
  it("runs the project's program from a main inside its own folder, as Pulumi requires", async () => {
    const workDir = prepareWorkspace(projectRoot, "workspace-test");
    try {
      const project = parse(readFileSync(path.join(workDir, "Pulumi.yaml"), "utf8")) as { name: string; main: string; runtime: { options: Record<string, unknown> } };
      expect(project).toMatchObject({ name: "voting-platform", main: "index.ts", runtime: { options: { typescript: false, nodeargs: "--import tsx" } } });
      const entry = (await import(pathToFileURL(path.join(workDir, project.main)).href)) as { default: unknown };
      const program = (await import("../../src/index.js")) as { default: unknown };
      expect(entry.default).toBe(program.default);
    } finally {
      rmSync(path.join(projectRoot, ".fleet", "workspace-test"), { recursive: true, force: true });
    }
  });
});
