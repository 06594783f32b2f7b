import type { Capture, CapturedResource } from "../../src/plan/capture.js";

/** The one resource of `type` whose name ends with `suffix`; fails the test when there is not exactly one. */
export function one(capture: Capture, type: string, suffix = ""): CapturedResource {
  const found = all(capture, type).filter((r) => r.name.endsWith(suffix));
  if (found.length !== 1) throw new Error(`expected one ${type} named *${suffix}, found ${found.map((r) => r.name).join(", ") || "none"}`);
  return found[0] as CapturedResource;
}

export function all(capture: Capture, type: string): CapturedResource[] {
  return capture.resources.filter((r) => r.type === type);
}

/** Every resource `resource` waits for, directly or through others, by dependencies and parents' children. */
export function transitiveDependencies(capture: Capture, resource: CapturedResource): CapturedResource[] {
  const byUrn = new Map(capture.resources.map((r) => [r.urn, r]));
  const children = (urn: string) => capture.resources.filter((r) => r.parent === urn);
  const seen = new Set<string>();
  const queue = [...resource.dependencies];
  while (queue.length > 0) {
    const urn = queue.pop() as string;
    if (seen.has(urn)) continue;
    seen.add(urn);
    const dep = byUrn.get(urn);
    if (!dep) continue;
    // Depending on a component means waiting for everything under it.
    queue.push(...dep.dependencies, ...children(urn).map((c) => c.urn));
  }
  return [...seen].map((urn) => byUrn.get(urn)).filter((r): r is CapturedResource => r !== undefined);
}

/** Reads a JSON policy document input. */
export function policy(resource: CapturedResource, key: string): { Statement: Record<string, unknown>[] } {
  return JSON.parse(String(resource.inputs[key])) as { Statement: Record<string, unknown>[] };
}
