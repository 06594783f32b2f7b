import type { Capture, CapturedResource } from "../capture.js";
import { DependencyGraph, shortName } from "./graph.js";
import { fleetLifecycleRules, fleetMemberType } from "./fleet-rules.js";
import { checkLifecycle, lifecycleRules, type LifecycleViolation } from "./rules.js";

export { DependencyGraph, shortName } from "./graph.js";
export { checkLifecycle, lifecycleRules, type LifecycleRule, type LifecycleViolation } from "./rules.js";
export { fleetLifecycleRules } from "./fleet-rules.js";

/** The order of `pulumi up` and `pulumi destroy` for a stack, and the rules it breaks. */
export interface Lifecycle {
  /** What `pulumi up` creates together, wave after wave, by URN. */
  createWaves: string[][];
  /** What `pulumi destroy` deletes together, wave after wave, by URN. */
  destroyWaves: string[][];
  violations: LifecycleViolation[];
}

/**
 * The clusters of a stack, each checked on its own: a fleet's members (what each FleetMember holds) and
 * what is outside them; a single cluster's stack is one.
 */
function clusterScopes(capture: Pick<Capture, "resources">): Pick<Capture, "resources">[] {
  const byUrn = new Map(capture.resources.map((r) => [r.urn, r]));
  const memberOf = (urn: string | undefined): string => {
    for (let at = urn ? byUrn.get(urn) : undefined; at; at = at.parent ? byUrn.get(at.parent) : undefined) if (at.type === fleetMemberType) return at.urn;
    return "";
  };
  const scopes = new Map<string, CapturedResource[]>();
  for (const resource of capture.resources) {
    const scope = memberOf(resource.urn);
    scopes.set(scope, [...(scopes.get(scope) ?? []), resource]);
  }
  return [...scopes.values()].map((resources) => ({ resources }));
}

/** Every rule the plan checks: those within a cluster, and those across a fleet. */
export const allLifecycleRules = [...lifecycleRules, ...fleetLifecycleRules];

export function analyzeLifecycle(capture: Pick<Capture, "resources">): Lifecycle {
  const graph = new DependencyGraph(capture);
  const violations = [
    ...clusterScopes(capture).flatMap((scope) => checkLifecycle(new DependencyGraph(scope))),
    ...checkLifecycle(graph, fleetLifecycleRules),
  ];
  return { createWaves: graph.createWaves(), destroyWaves: graph.destroyWaves(), violations };
}

/** The waves as short lines: `  3  Ingress vote-endpoint-ingress, Service vote-endpoint-service`. */
export function renderWaves(capture: Pick<Capture, "resources">, waves: string[][]): string {
  const names = new Map(capture.resources.map((r) => [r.urn, shortName(r)]));
  const width = String(waves.length).length;
  return waves.map((wave, i) => `  ${String(i + 1).padStart(width)}  ${wave.map((urn) => names.get(urn) ?? urn).join(", ")}`).join("\n");
}

/** One line for the plan: how many waves, and whether every rule holds. */
export function describeLifecycle(lifecycle: Lifecycle): string {
  const head = `Lifecycle: ${lifecycle.createWaves.length} create waves, ${lifecycle.destroyWaves.length} destroy waves`;
  if (lifecycle.violations.length === 0) return `${head}; all ${allLifecycleRules.length} lifecycle rules hold`;
  const lines = lifecycle.violations.map((v) => `  - [${v.rule}] ${v.detail}`);
  return `${head}; ${lifecycle.violations.length} lifecycle violation(s):\n${lines.join("\n")}`;
}
