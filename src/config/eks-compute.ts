import type { EksComputeSettings } from "../../components/aws/settings.js";
import { field } from "./fields.js";
import type { ConfigContext, ReportProblem } from "./fragment.js";

/** How EKS nodes follow the workload (`eksCompute`). */
export const computeModes = ["karpenter", "cluster-autoscaler", "auto-mode"] as const;
export type ComputeMode = (typeof computeModes)[number];

/** The taint that keeps apps off the system nodes unless they tolerate it; CoreDNS, Karpenter and the controllers do. */
const systemTaint = { key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" } as const;

export function eksComputeKeys(ctx: ConfigContext) {
  const prod = ctx.environment === "prod";
  return {
    eksCompute: field.oneOf<ComputeMode>(computeModes, { default: "karpenter" }),
    eksSystemNodeCount: field.integer({ min: 1, max: 10, default: prod ? 3 : 2 }),
    eksKarpenterCpuLimit: field.integer({ min: 4, max: 10000, default: prod ? 96 : 16 }),
    eksKarpenterMemoryLimitGi: field.integer({ min: 8, max: 100000, default: prod ? 384 : 64 }),
    eksKarpenterSpot: field.boolean({ default: false }),
  };
}

export interface ComputeValues {
  eksCompute: ComputeMode;
  eksSystemNodeCount: number;
  eksKarpenterCpuLimit: number;
  eksKarpenterMemoryLimitGi: number;
  eksKarpenterSpot: boolean;
  /** Whether eksNodeGroups was left at its default, the one `general` group. */
  nodeGroupsDefault: boolean;
  instanceTypes: string[];
  architecture: "x86_64" | "arm64";
}

export function computeSettings(v: ComputeValues, ctx: ConfigContext, report: ReportProblem): EksComputeSettings {
  const prod = ctx.environment === "prod";
  if (v.eksCompute !== "cluster-autoscaler" && !v.nodeGroupsDefault) {
    report(
      "eksNodeGroups",
      `unset while eksCompute is ${v.eksCompute}: ${v.eksCompute === "karpenter" ? "Karpenter runs the app's nodes, beside a system group sized by eksSystemNodeCount" : "Auto Mode runs every node"}; node groups of your own need eksCompute cluster-autoscaler`,
    );
  }
  if (v.eksKarpenterSpot && v.eksCompute !== "karpenter") report("eksKarpenterSpot", "false unless eksCompute is karpenter");
  // A spot reclaim takes a node with two minutes' notice: fine for a workshop, not for prod's one Redis.
  if (v.eksKarpenterSpot && prod) report("eksKarpenterSpot", "false in prod, whose nodes are on-demand; spot is for dev stacks");
  if (v.eksCompute === "karpenter") {
    const count = v.eksSystemNodeCount;
    return {
      mode: "karpenter",
      systemGroup: {
        name: "system",
        instanceTypes: v.instanceTypes,
        architecture: v.architecture,
        minSize: count,
        maxSize: count,
        desiredSize: count,
        capacityType: "ON_DEMAND",
        diskSize: 50,
        labels: { "voting-platform/node-role": "system" },
        taints: [{ ...systemTaint }],
      },
      nodePool: { cpuLimit: v.eksKarpenterCpuLimit, memoryLimitGi: v.eksKarpenterMemoryLimitGi, spot: v.eksKarpenterSpot },
    };
  }
  return { mode: v.eksCompute };
}
