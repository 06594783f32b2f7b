import type { Capture, CapturedResource } from "../capture.js";

/**
 * The order `pulumi up` and `pulumi destroy` follow, as the engine derives it: a resource is created
 * after, and deleted before, everything it depends on. Its dependencies are its explicit `dependsOn`,
 * the resources its inputs come from, and its provider; a dependency on a component stands for every
 * custom resource under it. Parents order nothing: a component is not created or deleted in the cloud.
 */
export class DependencyGraph {
  /** The custom resources, in registration order: only they are created and deleted. */
  readonly resources: CapturedResource[];
  private readonly byUrn: Map<string, CapturedResource>;
  private readonly direct = new Map<string, Set<string>>();
  private readonly transitive = new Map<string, Set<string>>();

  constructor(capture: Pick<Capture, "resources">) {
    this.byUrn = new Map(capture.resources.map((r) => [r.urn, r]));
    const children = new Map<string, CapturedResource[]>();
    for (const resource of capture.resources) {
      if (resource.parent) children.set(resource.parent, [...(children.get(resource.parent) ?? []), resource]);
    }
    const expanded = new Map<string, string[]>();
    const expand = (urn: string): string[] => {
      const resource = this.byUrn.get(urn);
      if (!resource) return [];
      if (resource.custom) return [urn];
      let under = expanded.get(urn);
      if (!under) {
        under = (children.get(urn) ?? []).flatMap((child) => expand(child.urn));
        expanded.set(urn, under);
      }
      return under;
    };
    this.resources = capture.resources.filter((r) => r.custom);
    for (const resource of this.resources) {
      const deps = [...resource.dependencies, ...(resource.provider ? [resource.provider] : [])];
      this.direct.set(resource.urn, new Set(deps.flatMap(expand).filter((urn) => urn !== resource.urn)));
    }
  }

  resource(urn: string): CapturedResource | undefined {
    return this.byUrn.get(urn);
  }

  /** The components of a type, such as a fleet's members; they order nothing, but group what they hold. */
  components(type: string): CapturedResource[] {
    return [...this.byUrn.values()].filter((r) => !r.custom && r.type === type);
  }

  /** What `urn` waits for directly. */
  dependenciesOf(urn: string): ReadonlySet<string> {
    return this.direct.get(urn) ?? new Set();
  }

  /** Everything `urn` waits for, directly or through others: created before it, deleted after it. */
  waitsFor(urn: string): ReadonlySet<string> {
    const known = this.transitive.get(urn);
    if (known) return known;
    const seen = new Set<string>();
    const stack = [...this.dependenciesOf(urn)];
    while (stack.length > 0) {
      const next = stack.pop() as string;
      if (seen.has(next)) continue;
      seen.add(next);
      stack.push(...this.dependenciesOf(next));
    }
    this.transitive.set(urn, seen);
    return seen;
  }

  /** Whether `pulumi destroy` deletes `first` before it starts on `then`. */
  deletesBefore(first: string, then: string): boolean {
    return this.waitsFor(first).has(then);
  }

  /**
   * The steps of `pulumi up` on an empty stack: each wave holds what can be created at the same time,
   * once every earlier wave is done. A resource sits one wave after the latest of its dependencies.
   */
  createWaves(): string[][] {
    return this.layers((urn) => this.dependenciesOf(urn));
  }

  /**
   * The steps of `pulumi destroy`: a resource is deleted once everything that depends on it is gone, so it
   * sits one wave after the latest of its dependents.
   */
  destroyWaves(): string[][] {
    const dependents = new Map<string, Set<string>>(this.resources.map((r) => [r.urn, new Set()]));
    for (const resource of this.resources) {
      for (const dep of this.dependenciesOf(resource.urn)) dependents.get(dep)?.add(resource.urn);
    }
    return this.layers((urn) => dependents.get(urn) ?? new Set());
  }

  private layers(before: (urn: string) => ReadonlySet<string>): string[][] {
    const depth = new Map<string, number>();
    const visiting = new Set<string>();
    const depthOf = (urn: string): number => {
      const known = depth.get(urn);
      if (known !== undefined) return known;
      if (visiting.has(urn)) throw new Error(`dependency cycle through ${urn}`);
      visiting.add(urn);
      let level = 0;
      for (const dep of before(urn)) if (this.byUrn.get(dep)?.custom) level = Math.max(level, depthOf(dep) + 1);
      visiting.delete(urn);
      depth.set(urn, level);
      return level;
    };
    const waves: string[][] = [];
    for (const resource of this.resources) {
      const level = depthOf(resource.urn);
      while (waves.length <= level) waves.push([]);
      waves[level]?.push(resource.urn);
    }
    return waves;
  }
}

/** A resource for messages: `Ingress vote-endpoint-ingress`. */
export function shortName(resource: Pick<CapturedResource, "type" | "name">): string {
  return `${resource.type.split(":").pop() ?? resource.type} ${resource.name}`;
}
