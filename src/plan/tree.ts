import type { Capture, CapturedResource } from "./capture.js";

/** Children by parent URN, in registration order. */
function childrenByParent(resources: CapturedResource[]): Map<string | undefined, CapturedResource[]> {
  const urns = new Set(resources.map((r) => r.urn));
  const children = new Map<string | undefined, CapturedResource[]>();
  for (const resource of resources) {
    // Top-level resources hang off the stack, which the capture leaves out.
    const parent = resource.parent && urns.has(resource.parent) ? resource.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), resource]);
  }
  return children;
}

function flags(resource: CapturedResource): string {
  const marks = [
    resource.protect ? "protected" : "",
    resource.ignoreChanges.length > 0 ? `ignoreChanges: ${resource.ignoreChanges.join(", ")}` : "",
  ].filter(Boolean);
  return marks.length > 0 ? `  (${marks.join("; ")})` : "";
}

/** The resources as `pulumi preview` shows them: a tree under the stack, each line `+ type name`. */
export function renderTree(capture: Capture): string {
  const children = childrenByParent(capture.resources);
  const lines = [`+ pulumi:pulumi:Stack ${capture.project}-${capture.stack}`];
  const walk = (parent: string | undefined, depth: number) => {
    for (const resource of children.get(parent) ?? []) {
      lines.push(`${"    ".repeat(depth)}+ ${resource.type} ${resource.name}${flags(resource)}`);
      walk(resource.urn, depth + 1);
    }
  };
  walk(undefined, 1);
  return lines.join("\n");
}

/** How many resources of each type, most frequent first. */
export function countByType(capture: Capture): [string, number][] {
  const counts = new Map<string, number>();
  for (const resource of capture.resources) counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
