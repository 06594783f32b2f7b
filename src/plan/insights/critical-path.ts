import type { CapturedResource } from "../capture.js";
import type { DependencyGraph } from "../lifecycle/graph.js";

/** One step of a critical path: a resource and the seconds it takes. */
export interface PathStep {
  urn: string;
  type: string;
  seconds: number;
}

/** How long `pulumi up` or `pulumi destroy` takes when everything that can run at once does. */
export interface CriticalPath {
  /** The longest chain of resources that wait on each other: the estimated time of the whole run. */
  totalSeconds: number;
  /** Every resource one after another, for comparison: what the run would take without parallelism. */
  serialSeconds: number;
  /** The chain itself, first to last. */
  chain: PathStep[];
  /** Resource types with no figure, counted as taking no time. */
  untimed: string[];
}

/** Seconds a resource takes, or undefined where no source gives a figure. */
export type Timing = (resource: CapturedResource) => number | undefined;

/**
 * The longest path through the graph, each custom resource weighted by `timing`: for `create`, a resource
 * starts when the last of its dependencies is done; for `destroy`, when the last of its dependents is gone.
 * Components are not in the graph and add no time.
 */
export function criticalPath(graph: DependencyGraph, timing: Timing, direction: "create" | "destroy"): CriticalPath {
  const before = new Map<string, Set<string>>(graph.resources.map((r) => [r.urn, new Set<string>()]));
  for (const resource of graph.resources) {
    for (const dep of graph.dependenciesOf(resource.urn)) {
      if (!before.has(dep)) continue;
      if (direction === "create") before.get(resource.urn)?.add(dep);
      else before.get(dep)?.add(resource.urn);
    }
  }
  const untimed = new Set<string>();
  const seconds = new Map<string, number>();
  for (const resource of graph.resources) {
    const figure = timing(resource);
    if (figure === undefined) untimed.add(resource.type);
    seconds.set(resource.urn, figure ?? 0);
  }
  // Finish time of each resource, and the predecessor it waited for last.
  const finish = new Map<string, number>();
  const via = new Map<string, string | undefined>();
  const visit = (urn: string): number => {
    const known = finish.get(urn);
    if (known !== undefined) return known;
    let start = 0;
    let last: string | undefined;
    for (const dep of before.get(urn) ?? []) {
      const done = visit(dep);
      if (done > start || (done === start && last === undefined)) {
        start = done;
        last = dep;
      }
    }
    const end = start + (seconds.get(urn) ?? 0);
    finish.set(urn, end);
    via.set(urn, last);
    return end;
  };
  let end: string | undefined;
  let longest = -1;
  for (const resource of graph.resources) {
    const done = visit(resource.urn);
    if (done > longest) [end, longest] = [resource.urn, done];
  }
  const chain: PathStep[] = [];
  for (let at = end; at !== undefined; at = via.get(at)) {
    const resource = graph.resource(at);
    if (resource) chain.unshift({ urn: at, type: resource.type, seconds: seconds.get(at) ?? 0 });
  }
  return {
    totalSeconds: end === undefined ? 0 : (finish.get(end) ?? 0),
    serialSeconds: [...seconds.values()].reduce((a, b) => a + b, 0),
    chain,
    untimed: [...untimed].sort(),
  };
}
