import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { prepareWorkspace } from "../../src/fleet/automation-runner.js";
import { projectRoot } from "../../src/plan/stack-config.js";
import { main } from "../../src/fleet/cli.js";
import { offlineRunner } from "../../src/fleet/offline-runner.js";
import { orchestrate, type FleetCommand, type FleetStack, type FleetStacks, type StackRunner } from "../../src/fleet/orchestrate.js";
import { fleetStacks } from "../../src/fleet/stacks.js";
import { loadStackSettings } from "../../src/config.js";
import { stackRunConfig } from "../../src/plan/capture.js";

const stack = (name: string): FleetStack => ({ name, config: {}, policyConfig: {} });
const stacks: FleetStacks = { members: [stack("fleet-seoul"), stack("fleet-tokyo")], global: stack("fleet-global") };

/** A runner that records when each stack starts and ends; each run takes a turn of the event loop. */
function recordingRunner(fail: string[] = [], up: string[] = ["fleet-seoul", "fleet-tokyo"]) {
  const events: string[] = [];
  const runner: StackRunner = {
    hasOutputs: (s) => Promise.resolve(up.includes(s.name)),
    async run(command: FleetCommand, s: FleetStack) {
      events.push(`start ${s.name}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      events.push(`end ${s.name}`);
      if (fail.includes(s.name)) throw new Error(`${command} of ${s.name} failed`);
    },
  };
  return { runner, events };
}

async function run(command: FleetCommand, fail: string[] = [], up?: string[]) {
  const { runner, events } = recordingRunner(fail, up);
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
    const { report, starts } = await run("up", ["fleet-tokyo"]);
    expect(starts).not.toContain("start fleet-global");
    expect(starts).toContain("end fleet-seoul");
    expect(report.ok).toBe(false);
    expect(report.outcomes).toEqual(
      expect.arrayContaining([
        { stack: "fleet-seoul", status: "succeeded" },
        { stack: "fleet-tokyo", status: "failed", error: "up of fleet-tokyo failed" },
        { stack: "fleet-global", status: "skipped", reason: "member stack(s) fleet-tokyo failed; the global entry is left as it was" },
      ]),
    );
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

  it("refuses a stack that is not a fleet, and up or destroy offline, naming what it needs", async () => {
    await expect(main(["preview", "--stack", "dev-aks", "--offline"], () => undefined)).rejects.toThrow(/not a fleet/);
    await expect(main(["up", "--offline"], () => undefined)).rejects.toThrow(/--offline previews only/);
    await expect(main(["deploy"], () => undefined)).rejects.toThrow(/expected one command, preview, up, destroy; got deploy/);
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
