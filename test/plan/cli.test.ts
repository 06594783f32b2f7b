import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";

const run = promisify(execFile);

/**
 * Each test starts the plan in a process of its own, which on a cold machine (no compile cache, every
 * module read from disk) takes many times its usual 2 to 3 seconds; planning every stack more so.
 */
const coldStart = { timeout: 180_000 };

/** Runs the offline plan as `npm start` does, and returns its exit code and output. */
async function plan(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/plan/cli.ts", ...args], { timeout: coldStart.timeout - 10_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const stackTrace = /^\s+at /m;

describe.concurrent("offline plan command", coldStart, () => {
  it("names the known stacks when the stack does not exist, without a stack trace", async () => {
    const result = await plan("--stack", "staging");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No stack "staging": there is no stacks\/Pulumi\.staging\.yaml\. Known stacks: .*dev-aks/);
    expect(result.stderr).not.toMatch(stackTrace);
  });

  it("prints the config error and exits non-zero, without a stack trace", async () => {
    const result = await plan("--stack", "local", "--config", "appVote1=Dogs", "--config", "existingServiceTyp=NodePort");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('voting-platform:appVote2 = "Dogs": a label different from appVote1 (Dogs)');
    expect(result.stderr).toContain("did you mean voting-platform:existingServiceType?");
    expect(result.stderr).not.toMatch(stackTrace);
    expect(result.stdout).toBe("");
  });

  it("shows its usage for an unknown flag", async () => {
    const result = await plan("--stak", "dev-aks");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--stak'[\s\S]*Usage: npm start/);
  });

  it("prints the tree under the components, the counts and the outputs with secrets masked", async () => {
    const out = mkdtempSync(path.join(tmpdir(), "plan-"));
    const result = await plan("--stack", "dev-aks", "--out", out);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\+ pulumi:pulumi:Stack voting-platform-dev-aks$/m);
    expect(result.stdout).toMatch(/^ {4}\+ voting-platform:azure:AksCluster dev-aks\n {8}\+ /m);
    expect(result.stdout).toMatch(/^ {4}\+ voting-platform:apps:VotingApp /m);
    expect(result.stdout).toMatch(/^ +1 +azure-native:containerservice:ManagedCluster$/m);
    expect(result.stdout).toMatch(/^ +kubeconfig: \[secret\]$/m);
    expect(result.stdout).toMatch(/^ +appUrl: http:\/\/\S+\.westeurope\.cloudapp\.azure\.com/m);
    expect(result.stdout).toMatch(/Kubernetes objects: \d+, all valid/);

    const manifests = parseAllDocuments(readFileSync(path.join(out, "dev-aks", "manifests.yaml"), "utf8")).map((d) => d.toJS() as { kind: string });
    expect(manifests.map((m) => m.kind)).toEqual(expect.arrayContaining(["Namespace", "StatefulSet", "Deployment", "Service", "NetworkPolicy"]));
    const resources = readFileSync(path.join(out, "dev-aks", "resources.json"), "utf8");
    expect(resources).toContain('"kubeconfig": "[secret]"');
    expect(readFileSync(path.join(out, "dev-aks", "graph.dot"), "utf8")).toMatch(/^digraph "dev-aks" \{/);
  });

  it("plans every stack with --all, each valid", async () => {
    const result = await plan("--all", "--json", "--out", mkdtempSync(path.join(tmpdir(), "plan-")));
    expect(result.code).toBe(0);
    const reports = JSON.parse(result.stdout) as {
      stack: string;
      resourceCount: number;
      violations: unknown[];
      lifecycle: { createWaves: string[][]; destroyWaves: string[][]; violations: unknown[] };
    }[];
    expect(reports.map((r) => r.stack)).toEqual(["dev-aks", "dev-eks", "local", "prod-aks", "prod-eks"]);
    for (const report of reports) {
      expect(report.violations, report.stack).toEqual([]);
      expect(report.lifecycle.violations, report.stack).toEqual([]);
      expect(report.resourceCount, report.stack).toBeGreaterThan(10);
      // Every custom resource is created in one wave and deleted in one wave, by URN.
      const created = report.lifecycle.createWaves.flat();
      expect(new Set(created).size, report.stack).toBe(created.length);
      expect([...report.lifecycle.destroyWaves.flat()].sort(), report.stack).toEqual([...created].sort());
      expect(created.every((urn) => urn.startsWith(`urn:pulumi:${report.stack}::voting-platform::`))).toBe(true);
    }
  });

  it("prints the destroy order with --destroy: the Ingress, and its ALB, go before the NAT gateways", async () => {
    const result = await plan("--stack", "dev-eks", "--destroy", "--out", mkdtempSync(path.join(tmpdir(), "plan-")));
    expect(result.code).toBe(0);
    const waves = result.stdout.split("\n").filter((line) => /^ +\d+ {2}\S/.test(line));
    const waveOf = (pattern: RegExp) => waves.findIndex((line) => pattern.test(line));
    expect(waves.length).toBeGreaterThan(5);
    expect(waveOf(/Ingress vote-endpoint-ingress/)).toBeGreaterThanOrEqual(0);
    expect(waveOf(/Ingress vote-endpoint-ingress/)).toBeLessThan(waveOf(/NatGateway dev-eks-network-nat-0/));
    expect(waveOf(/NatGateway dev-eks-network-nat-0/)).toBeLessThan(waveOf(/Route dev-eks-network-public-internet/));
    expect(result.stdout).toMatch(/^Lifecycle: \d+ create waves, \d+ destroy waves; all \d+ lifecycle rules hold$/m);
  });
});
