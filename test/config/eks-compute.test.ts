import { describe, expect, it } from "vitest";
import { ConfigError, loadSettings, type EksSettings } from "../../src/config.js";
import { attemptStack } from "../../src/plan/capture.js";

/** eksCompute and Karpenter's keys: defaults per environment, and what each mode refuses, by key. */
const project = "voting-platform";
const base = { cloud: "aws", "aws:region": "eu-west-1" };
const prodAccess = { eksPublicAccessCidrs: '["20.50.1.7/32"]', eksAdminPrincipalArns: '["arn:aws:iam::210987654321:role/platform-admins"]' };
const full = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]));

function eks(environment: "dev" | "prod", values: Record<string, string> = {}): EksSettings {
  const settings = loadSettings({ project, stack: "test", values: full({ ...base, environment, ...(environment === "prod" ? prodAccess : {}), ...values }) });
  if (settings.platform.cloud !== "aws") throw new Error("not an EKS stack");
  return settings.platform.eks;
}

function problems(environment: "dev" | "prod", values: Record<string, string>): Record<string, string> {
  try {
    eks(environment, values);
  } catch (err) {
    if (err instanceof ConfigError) return Object.fromEntries(err.problems.map((p) => [p.key.replace(`${project}:`, ""), p.expected]));
    throw err;
  }
  throw new Error("expected the config to be rejected");
}

describe("eksCompute", () => {
  it("is Karpenter in dev and prod, beside a fixed system group of eksInstanceTypes", () => {
    for (const [environment, count, cpu] of [["dev", 2, 16], ["prod", 3, 96]] as const) {
      const { compute } = eks(environment);
      if (compute.mode !== "karpenter") throw new Error(`expected karpenter in ${environment}`);
      expect(compute.systemGroup).toMatchObject({ minSize: count, maxSize: count, desiredSize: count, taints: [{ key: "CriticalAddonsOnly", effect: "NO_SCHEDULE" }] });
      expect(compute.nodePool).toEqual({ cpuLimit: cpu, memoryLimitGi: cpu * 4, spot: false });
    }
    expect(eks("dev", { eksInstanceTypes: '["m7g.large"]' }).compute).toMatchObject({ systemGroup: { instanceTypes: ["m7g.large"], architecture: "arm64" } });
  });

  it("takes the other modes by config", () => {
    expect(eks("prod", { eksCompute: "cluster-autoscaler" }).compute).toEqual({ mode: "cluster-autoscaler" });
    expect(eks("dev", { eksCompute: "auto-mode" }).compute).toEqual({ mode: "auto-mode" });
    expect(problems("dev", { eksCompute: "fargate-only" }).eksCompute).toMatch(/karpenter, cluster-autoscaler, auto-mode/);
  });

  it("refuses node groups of one's own unless the Cluster Autoscaler runs them", () => {
    const groups = '["name=batch,minSize=0,maxSize=4,desiredSize=0"]';
    expect(problems("dev", { eksNodeGroups: groups }).eksNodeGroups).toMatch(/unset while eksCompute is karpenter/);
    expect(problems("dev", { eksCompute: "auto-mode", eksNodeGroups: groups }).eksNodeGroups).toMatch(/Auto Mode runs every node/);
    expect(eks("dev", { eksCompute: "cluster-autoscaler", eksNodeGroups: groups }).nodeGroups.map((g) => g.name)).toEqual(["batch"]);
  });

  it("lets dev's NodePool take spot capacity, and keeps prod on-demand", () => {
    expect(eks("dev", { eksKarpenterSpot: "true" }).compute).toMatchObject({ nodePool: { spot: true } });
    expect(problems("prod", { eksKarpenterSpot: "true" }).eksKarpenterSpot).toMatch(/false in prod/);
    expect(problems("dev", { eksKarpenterSpot: "true", eksCompute: "auto-mode" }).eksKarpenterSpot).toMatch(/unless eksCompute is karpenter/);
  });

  it("names out-of-range limits and counts before any resource", async () => {
    const attempt = await attemptStack("dev-eks", { eksSystemNodeCount: "0", eksKarpenterCpuLimit: "2" });
    expect(attempt.error).toBeInstanceOf(ConfigError);
    const message = (attempt.error as Error).message;
    expect(message).toContain("voting-platform:eksSystemNodeCount");
    expect(message).toContain("voting-platform:eksKarpenterCpuLimit");
    expect(attempt.resources).toEqual([]);
  });
});
