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
    // The graph drawn by Graphviz, the critical path in red, and the same graph in Mermaid.
    const svg = readFileSync(path.join(out, "dev-aks", "graph.svg"), "utf8");
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*ManagedCluster[\s\S]*#c0392b/);
    expect(readFileSync(path.join(out, "dev-aks", "graph.mmd"), "utf8")).toMatch(/^flowchart LR\n[\s\S]*:::critical/);
    // The pack's config for a real preview relaxes exactly the stack's waivers.
    expect(JSON.parse(readFileSync(path.join(out, "dev-aks", "policy-config.json"), "utf8"))).toEqual({
      "api-endpoint-restricted": { enforcementLevel: "advisory" },
      "local-accounts-disabled": { enforcementLevel: "advisory" },
      "key-vault-purge-protection": { enforcementLevel: "advisory" },
      "pod-security-restricted": { enforcementLevel: "advisory" },
    });
  });

  it("plans every stack with --all, each valid", async () => {
    const result = await plan("--all", "--json", "--out", mkdtempSync(path.join(tmpdir(), "plan-")));
    expect(result.code).toBe(0);
    type Path = { totalSeconds: number; serialSeconds: number; chain: { urn: string; type: string; seconds: number }[] };
    const reports = JSON.parse(result.stdout) as {
      stack: string;
      resourceCount: number;
      violations: unknown[];
      lifecycle: { createWaves: string[][]; destroyWaves: string[][]; violations: unknown[] };
      criticalPath: Path;
      destroyPath: Path;
      cost: { currency: string; region: string; hourly: number; monthly: number; byType: { type: string; count: number; monthly: number }[]; unpriced: string[]; assumptions: string[]; pricesAsOf: string };
      policy: { findings: { policy: string; urn: string; severity: string; message: string; waivedBy: string | null }[] };
    }[];
    expect(reports.map((r) => r.stack)).toEqual(["dev-aks", "dev-eks", "fleet", "local", "prod-aks", "prod-eks"]);
    for (const report of reports) {
      expect(report.violations, report.stack).toEqual([]);
      expect(report.lifecycle.violations, report.stack).toEqual([]);
      expect(report.resourceCount, report.stack).toBeGreaterThan(10);
      // Every custom resource is created in one wave and deleted in one wave, by URN.
      const created = report.lifecycle.createWaves.flat();
      expect(new Set(created).size, report.stack).toBe(created.length);
      expect([...report.lifecycle.destroyWaves.flat()].sort(), report.stack).toEqual([...created].sort());
      expect(created.every((urn) => urn.startsWith(`urn:pulumi:${report.stack}::voting-platform::`))).toBe(true);
      // The critical path is a chain of the stack's resources, whose times add up to the total.
      for (const path of [report.criticalPath, report.destroyPath]) {
        expect(path.chain.every((step) => created.includes(step.urn))).toBe(true);
        expect(path.chain.reduce((sum, step) => sum + step.seconds, 0)).toBeCloseTo(path.totalSeconds);
        expect(path.serialSeconds).toBeGreaterThanOrEqual(path.totalSeconds);
      }
      expect(report.cost).toMatchObject({ currency: "USD", pricesAsOf: expect.any(String) });
      expect(report.cost.monthly).toBeCloseTo(report.cost.byType.reduce((sum, t) => sum + t.monthly, 0), 0);
      // Findings the stack does not waive fail the plan; prod waives nothing, so has none.
      expect(report.policy.findings.filter((f) => f.waivedBy === null), report.stack).toEqual([]);
      if (report.stack.startsWith("prod-")) expect(report.policy.findings, report.stack).toEqual([]);
    }
    const byStack = Object.fromEntries(reports.map((r) => [r.stack, r]));
    // A cloud stack costs something, and takes longer than its longest resource.
    for (const stack of ["dev-aks", "dev-eks", "prod-aks", "prod-eks"]) {
      expect(byStack[stack]?.cost.hourly, stack).toBeGreaterThan(0.1);
      expect(byStack[stack]?.criticalPath.totalSeconds, stack).toBeGreaterThan(300);
    }
    expect(byStack.local?.cost.monthly).toBe(0);
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

  it("ends a plan with how long up and destroy take, what the stack costs, and the policy table", async () => {
    const result = await plan("--stack", "dev-eks", "--out", mkdtempSync(path.join(tmpdir(), "plan-")));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^pulumi up: about \d+ min \d\d s \(one after another it would be \d+ min \d\d s\)\n {4} +\d+ s {2}\S/m);
    // The cluster does not wait for NAT: the NAT gateway is not on the critical path.
    const upChain = result.stdout.split("pulumi up:")[1]?.split("pulumi destroy:")[0] ?? "";
    expect(upChain).toMatch(/Cluster dev-eks-control-plane-cluster/);
    expect(upChain).not.toMatch(/NatGateway/);
    expect(result.stdout).toMatch(/^pulumi destroy: about /m);
    expect(result.stdout).toMatch(/^Cost at list prices in eu-west-1 \(USD, prices of .*\): \$\d+\.\d\d an hour, \$\d+\.\d\d a month, \$\d+\.\d\d for a 4-hour workshop$/m);
    expect(result.stdout).toMatch(/^Policy: \d+ finding\(s\), 0 not waived/m);
    expect(result.stdout).toMatch(/^ {4}api-endpoint-restricted +high +Cluster dev-eks-control-plane-cluster +waived: policyWaivers \(/m);
  });
});
