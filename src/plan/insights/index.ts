import { writeFileSync } from "node:fs";
import path from "node:path";
import type { Capture } from "../capture.js";
import { DependencyGraph } from "../lifecycle/graph.js";
import { criticalPath, type CriticalPath } from "./critical-path.js";
import { estimateCost, type CostReport } from "./cost.js";
import { createTiming, deleteTiming } from "./durations.js";
import { dependencyDot, dependencyMermaid, renderSvg } from "./graph-files.js";
import { policyPackConfig, runPolicies, type PolicyFinding, type Waivers } from "./policy.js";

export type { CriticalPath } from "./critical-path.js";
export type { CostReport } from "./cost.js";
export type { PolicyFinding } from "./policy.js";

/** The four answers of the plan: how long up and destroy take, what the stack costs, what policies it breaks. */
export interface Insights {
  criticalPath: CriticalPath;
  destroyPath: CriticalPath;
  cost: CostReport;
  policy: { findings: PolicyFinding[] };
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
