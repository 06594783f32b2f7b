import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Capture } from "../capture.js";
import { DependencyGraph } from "../lifecycle/graph.js";
import { criticalPath, type CriticalPath } from "./critical-path.js";
import { estimateCost, type CostReport } from "./cost.js";
import { analyzeFleet, type FleetInsights, type FleetMemberInfo } from "./fleet.js";
import { createTiming, deleteTiming } from "./durations.js";
import { dependencyDot, dependencyMermaid, renderSvg } from "./graph-files.js";
import { policyPackConfig, runPolicies, type PolicyFinding, type Waivers } from "./policy.js";

export type { CriticalPath } from "./critical-path.js";
export type { CostReport } from "./cost.js";
export type { PolicyFinding } from "./policy.js";
export type { FleetInsights, FleetMemberInfo } from "./fleet.js";

/** The four answers of the plan: how long up and destroy take, what the stack costs, what policies it breaks. */
export interface Insights {
  criticalPath: CriticalPath;
  destroyPath: CriticalPath;
  cost: CostReport;
  policy: { findings: PolicyFinding[] };
  /** A fleet's members and global entry, each on its own; absent for a single cluster. */
  fleet?: FleetInsights;
}

export interface InsightOptions {
  cloud: "azure" | "aws" | "existing";
  region: string;
  waivers: Waivers;
}

export function analyzeInsights(capture: Pick<Capture, "resources">, options: InsightOptions): Insights {
  const graph = new DependencyGraph(capture);
  return {
    criticalPath: criticalPath(graph, createTiming, "create"),
    destroyPath: criticalPath(graph, deleteTiming, "destroy"),
    cost: estimateCost(capture, options.cloud, options.region),
    policy: { findings: runPolicies(capture, options.waivers) },
  };
}

/** A fleet: the whole graph's paths and policy, the cost summed over members priced in their own regions. */
export function analyzeFleetInsights(
  capture: Pick<Capture, "resources">,
  options: { members: readonly FleetMemberInfo[]; entryCloud: "azure" | "aws"; waivers: Waivers },
): Insights {
  const graph = new DependencyGraph(capture);
  const fleet = analyzeFleet(capture, options.members, options.entryCloud);
  return {
    criticalPath: criticalPath(graph, createTiming, "create"),
    destroyPath: criticalPath(graph, deleteTiming, "destroy"),
    cost: fleet.cost,
    policy: { findings: runPolicies(capture, options.waivers) },
    fleet,
  };
}

/**
 * Writes graph.dot, graph.svg (the critical path in red) and graph.mmd beside the plan's other files,
 * and policy-config.json, the pack's config that relaxes what the stack waives, for
 * `pulumi preview --policy-pack policy --policy-pack-config <file>`.
 */
export async function writeInsightFiles(capture: Capture, dir: string, insights: Insights, waivers: Waivers): Promise<string[]> {
  const graph = new DependencyGraph(capture);
  const seconds = new Map(graph.resources.map((r) => [r.urn, createTiming(r) ?? 0]));
  const dot = dependencyDot(capture.stack, graph, insights.criticalPath, seconds);
  const files: Record<string, string> = {
    "graph.dot": dot,
    "graph.svg": await renderSvg(dot),
    "graph.mmd": dependencyMermaid(graph, insights.criticalPath, seconds),
    "policy-config.json": `${JSON.stringify(policyPackConfig(waivers), null, 2)}\n`,
  };
  return Object.entries(files).map(([name, content]) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return file;
  });
}
