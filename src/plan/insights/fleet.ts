import type { Capture, CapturedResource } from "../capture.js";
import { DependencyGraph } from "../lifecycle/graph.js";
import { estimateCost, type CostReport } from "./cost.js";
import { criticalPath } from "./critical-path.js";
import { createTiming, deleteTiming } from "./durations.js";

/** A member of the fleet as the plan prices and times it. */
export interface FleetMemberInfo {
  name: string;
  cloud: "azure" | "aws" | "existing";
  region: string;
}

/** One part of a fleet (a member, or the global entry): its own time to create and destroy, and its cost. */
export interface FleetPart {
  name: string;
  cloud: string;
  region: string;
  resourceCount: number;
  createSeconds: number;
  destroySeconds: number;
  hourly: number;
  monthly: number;
}

/** The fleet's figures: each member alone (they are created side by side), the global entry, and the sums. */
export interface FleetInsights {
  members: FleetPart[];
  entry: FleetPart;
  cost: CostReport;
}

export const fleetMemberType = "voting-platform:fleet:Member";

/** Which member each resource belongs to: the FleetMember component above it, if any. */
function memberOf(resources: readonly CapturedResource[]): (resource: CapturedResource) => string | undefined {
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  return (resource) => {
    for (let at: CapturedResource | undefined = resource; at; at = at.parent ? byUrn.get(at.parent) : undefined) {
      if (at.type === fleetMemberType) return at.name;
    }
    return undefined;
  };
}

function part(name: string, cloud: FleetMemberInfo["cloud"], region: string, resources: CapturedResource[]): FleetPart & { cost: CostReport } {
  const graph = new DependencyGraph({ resources });
  const cost = estimateCost({ resources }, cloud, region);
  return {
    name,
    cloud,
    region,
    resourceCount: resources.length,
    createSeconds: criticalPath(graph, createTiming, "create").totalSeconds,
    destroySeconds: criticalPath(graph, deleteTiming, "destroy").totalSeconds,
    hourly: cost.hourly,
    monthly: cost.monthly,
    cost,
  };
}

/**
 * Splits a fleet's plan by member: each priced at its own cloud's prices in its own region and timed on
 * its own, the global entry at its cloud's (global) prices; the cost is their sum. The fleet's own
 * critical path, over the whole graph, is the slowest member's followed by the entry.
 */
export function analyzeFleet(capture: Pick<Capture, "resources">, members: readonly FleetMemberInfo[], entryCloud: "azure" | "aws"): FleetInsights {
  const owner = memberOf(capture.resources);
  const parts = members.map((m) => part(m.name, m.cloud, m.region, capture.resources.filter((r) => owner(r) === m.name)));
  const entry = part("global entry", entryCloud, "global", capture.resources.filter((r) => owner(r) === undefined));
  const all = [...parts, entry];
  const byType = new Map<string, { count: number; monthly: number }>();
  for (const { cost } of all) {
    for (const line of cost.byType) {
      const seen = byType.get(line.type) ?? { count: 0, monthly: 0 };
      byType.set(line.type, { count: seen.count + line.count, monthly: seen.monthly + line.monthly });
    }
  }
  const hourly = all.reduce((sum, p) => sum + p.hourly, 0);
  const round = (usd: number, digits = 2) => Math.round(usd * 10 ** digits) / 10 ** digits;
  const first = entry.cost;
  const cost: CostReport = {
    currency: first.currency,
    region: `each member's own (${members.map((m) => `${m.name} ${m.region}`).join(", ")}), the entry's global`,
    hourly: round(hourly, 4),
    monthly: round(all.reduce((sum, p) => sum + p.monthly, 0)),
    workshop4h: round(hourly * 4),
    byType: [...byType.entries()].map(([type, e]) => ({ type, count: e.count, monthly: round(e.monthly) })).sort((a, b) => b.monthly - a.monthly),
    unpriced: [...new Set(all.flatMap((p) => p.cost.unpriced))].sort(),
    assumptions: [...new Set(all.flatMap((p) => p.cost.assumptions))],
    pricesAsOf: first.pricesAsOf,
  };
  const strip = ({ cost: _cost, ...rest }: FleetPart & { cost: CostReport }): FleetPart => rest;
  return { members: parts.map(strip), entry: strip(entry), cost };
}
