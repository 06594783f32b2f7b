import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PulumiCommand } from "@pulumi/pulumi/automation/index.js";
import { afterAll, describe, expect, it } from "vitest";
import { automationRunner, workspaceAccess } from "../../src/fleet/automation-runner.js";
import type { FleetStack } from "../../src/fleet/orchestrate.js";

const roots: string[] = [];
afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

/**
 * The Pulumi CLI is not here, so a script stands in for it under the real Automation API, answering as
 * the CLI does: `stack select` of a stack that is not there fails with "no stack named … found"; `up`
 * prints its banner, takes half a second before its engine runs (its first engine event, written to the
 * event log the Automation API tails, as a CLI before 3.206 does), then waits up to 10 s for a SIGINT,
 * and ends with the engine's cancel event. It logs every command line it gets, "engine" and each SIGINT.
 */
async function standInCli() {
  const root = mkdtempSync(path.join(tmpdir(), "fleet-cli-"));
  roots.push(root);
  const log = path.join(root, "calls.log");
  const script = `#!/bin/sh
echo "$*" >> "${log}"
case "$*" in
  version*) echo v3.200.0 ;;
  *"stack select"*fleet-osaka*) echo "error: no stack named 'fleet-osaka' found" >&2; exit 255 ;;
  *"stack output"*) echo '{"appUrl":"http://seoul","kubeconfig":"[secret]"}' ;;
  *"stack history"*) echo '[{"version":1,"kind":"update","startTime":"2026-12-03T00:00:00Z","message":"","environment":{},"config":{},"result":"succeeded"}]' ;;
  config*) echo '{}' ;;
  up*)
    events=$(echo "$*" | sed -n 's/.*--event-log \\([^ ]*\\).*/\\1/p')
    trap 'echo SIGINT >> "${log}"; cancelled=1' INT
    echo "Updating (fleet-seoul):"
    sleep 0.5
    echo engine >> "${log}"
    echo '{"sequence":1,"timestamp":0,"preludeEvent":{"config":{}}}' >> "$events"
    i=0; while [ -z "$cancelled" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
    echo '{"sequence":2,"timestamp":0,"cancelEvent":{}}' >> "$events"
    echo "Resources: 0"
    ;;
esac
`;
  mkdirSync(path.join(root, "bin"));
  writeFileSync(path.join(root, "bin", "pulumi"), script);
  chmodSync(path.join(root, "bin", "pulumi"), 0o755);
  const workDir = path.join(root, "workspace");
  mkdirSync(workDir);
  writeFileSync(path.join(workDir, "Pulumi.yaml"), "name: voting-platform\nruntime: nodejs\n");
  const pulumiCommand = await PulumiCommand.get({ root, skipVersionCheck: true });
  const access = workspaceAccess({ workDir, pulumiCommand });
  return { workDir, pulumiCommand, access, log: () => readFileSync(log, "utf8").trim().split("\n").filter((c) => !c.startsWith("version")) };
}

const seoul: FleetStack = { name: "fleet-seoul", config: {}, policyConfig: {} };

describe("the Automation API runner against a stand-in CLI", () => {
  it("selects a stack rather than creating it, reads its outputs without secrets, and takes a missing stack as none", async () => {
    const { access, log } = await standInCli();
    expect(await access.outputs("fleet-seoul")).toEqual({ appUrl: "http://seoul", kubeconfig: "[secret]" });
    expect(await access.outputs("fleet-osaka")).toBeUndefined();
    expect(log()).toEqual(["stack select --stack fleet-seoul --non-interactive", "stack output --json --stack fleet-seoul", "stack select --stack fleet-osaka --non-interactive"]);
  });

  it("holds a SIGTERM that comes with the CLI's banner until its engine runs, then sends it one SIGINT", async () => {
    const { workDir, pulumiCommand, access, log } = await standInCli();
    const stop = new AbortController();
    const cancel = new AbortController();
    const write = (text: string) => {
      if (text.includes("Updating (fleet-seoul)")) [1, 2].forEach(() => (stop.abort(), cancel.abort()));
    };
    const runner = automationRunner({ workDir, pulumiCommand, policyPack: path.join(workDir, "policy"), write }, access);
    await runner.run("up", seoul, { stop: stop.signal, cancel: cancel.signal });
    const after = log().slice(log().findIndex((c) => c.startsWith("up ")));
    expect(after.slice(0, 3)).toEqual([expect.stringContaining("--event-log"), "engine", "SIGINT"]);
    expect(after.filter((c) => c === "SIGINT")).toHaveLength(1);
  }, 30_000);
});
