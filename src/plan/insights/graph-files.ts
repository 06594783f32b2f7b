import { instance } from "@viz-js/viz";
import type { DependencyGraph } from "../lifecycle/graph.js";
import type { CriticalPath } from "./critical-path.js";

/** A node's label: the type's last segment, the name, and the seconds it takes to create. */
function label(graph: DependencyGraph, urn: string, seconds: Map<string, number>): string {
  const resource = graph.resource(urn);
  const type = resource?.type.split(":").pop() ?? urn;
  const time = seconds.get(urn);
  return `${type}\\n${resource?.name ?? urn}${time ? `\\n${time} s` : ""}`;
}

const quote = (text: string) => `"${text.replace(/"/g, '\\"')}"`;

/** Every edge, from what is created first to what waits for it. */
function edges(graph: DependencyGraph): [from: string, to: string][] {
  return graph.resources.flatMap((r) => [...graph.dependenciesOf(r.urn)].filter((d) => graph.resource(d)?.custom).map((d): [string, string] => [d, r.urn]));
}

/**
 * The dependency graph in Graphviz's language, drawn in the order `pulumi up` creates things: an arrow
 * from each resource to what waits for it, the critical path in red.
 */
export function dependencyDot(stack: string, graph: DependencyGraph, path: CriticalPath, seconds: Map<string, number>): string {
  const onPath = new Set(path.chain.map((s) => s.urn));
  const pathEdges = new Set(path.chain.slice(1).map((step, i) => `${path.chain[i]?.urn} ${step.urn}`));
  const id = new Map(graph.resources.map((r, i) => [r.urn, `n${i}`]));
  const nodes = graph.resources.map((r) => {
    const style = onPath.has(r.urn) ? ', color="#c0392b", fontcolor="#c0392b", penwidth=2' : "";
    return `  ${id.get(r.urn)} [label=${quote(label(graph, r.urn, seconds))}${style}];`;
  });
  const lines = edges(graph).map(([from, to]) => {
    const style = pathEdges.has(`${from} ${to}`) ? ' [color="#c0392b", penwidth=2.5]' : "";
    return `  ${id.get(from)} -> ${id.get(to)}${style};`;
  });
  return [
    `digraph ${quote(stack)} {`,
    "  rankdir=LR;",
    '  node [shape=box, style=rounded, fontname="Helvetica", fontsize=10];',
    '  edge [color="#888888"];',
    ...nodes,
    ...lines,
    "}",
    "",
  ].join("\n");
}

/** The same graph as a Mermaid flowchart, for documentation pages. */
export function dependencyMermaid(graph: DependencyGraph, path: CriticalPath, seconds: Map<string, number>): string {
  const onPath = new Set(path.chain.map((s) => s.urn));
  const id = new Map(graph.resources.map((r, i) => [r.urn, `n${i}`]));
  const text = (urn: string) => label(graph, urn, seconds).replace(/\\n/g, "<br/>").replace(/"/g, "'");
  return [
    "flowchart LR",
    "  classDef critical stroke:#c0392b,stroke-width:2px,color:#c0392b",
    ...graph.resources.map((r) => `  ${id.get(r.urn)}["${text(r.urn)}"]${onPath.has(r.urn) ? ":::critical" : ""}`),
    ...edges(graph).map(([from, to]) => `  ${id.get(from)} --> ${id.get(to)}`),
    "",
  ].join("\n");
}

/** Graphviz, compiled to WebAssembly, renders the DOT to SVG in this process. */
export async function renderSvg(dot: string): Promise<string> {
  const viz = await instance();
  return viz.renderString(dot, { format: "svg", engine: "dot" });
}
