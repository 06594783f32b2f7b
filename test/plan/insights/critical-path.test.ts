import { describe, expect, it } from "vitest";
import { DependencyGraph } from "../../../src/plan/lifecycle/graph.js";
import { criticalPath } from "../../../src/plan/insights/critical-path.js";
import { GraphBuilder } from "../lifecycle/builder.js";

/** Timing by the number at the end of the resource's name: `cluster-300` takes 300 s. */
const byName = (resource: { name: string }) => {
  const seconds = Number(resource.name.split("-").pop());
  return Number.isNaN(seconds) ? undefined : seconds;
};
const names = (path: { chain: { urn: string }[] }) => path.chain.map((s) => s.urn.split("::").pop());

describe("the critical path", () => {
  it("of a chain is the chain, and its time the sum", () => {
    const g = new GraphBuilder();
    const a = g.add("t:A", "a-5");
    const b = g.add("t:B", "b-10", { dependsOn: [a] });
    g.add("t:C", "c-20", { dependsOn: [b] });
    const path = criticalPath(new DependencyGraph(g.capture()), byName, "create");
    expect(path).toMatchObject({ totalSeconds: 35, serialSeconds: 35 });
    expect(names(path)).toEqual(["a-5", "b-10", "c-20"]);
  });

  it("of a diamond takes the longer side, and the serial sum counts both", () => {
    const g = new GraphBuilder();
    const top = g.add("t:T", "top-1");
    const slow = g.add("t:S", "slow-100", { dependsOn: [top] });
    const fast = g.add("t:F", "fast-10", { dependsOn: [top] });
    g.add("t:B", "bottom-2", { dependsOn: [slow, fast] });
    const path = criticalPath(new DependencyGraph(g.capture()), byName, "create");
    expect(path).toMatchObject({ totalSeconds: 103, serialSeconds: 113 });
    expect(names(path)).toEqual(["top-1", "slow-100", "bottom-2"]);
  });

  it("of parallel branches is the longest branch alone", () => {
    const g = new GraphBuilder();
    g.add("t:A", "nat-105");
    const cluster = g.add("t:B", "cluster-540");
    g.add("t:C", "addon-35", { dependsOn: [cluster] });
    const path = criticalPath(new DependencyGraph(g.capture()), byName, "create");
    expect(path.totalSeconds).toBe(575);
    expect(names(path)).toEqual(["cluster-540", "addon-35"]);
  });

  it("adds no time for a component in the middle, which stands for what is under it", () => {
    const g = new GraphBuilder();
    const vpc = g.add("t:Component", "vpc", { custom: false });
    const subnet = g.add("t:Subnet", "subnet-2", { parent: vpc });
    g.add("t:Nat", "nat-105", { parent: vpc, dependsOn: [subnet] });
    g.add("t:Nodes", "nodes-115", { dependsOn: [vpc] });
    const path = criticalPath(new DependencyGraph(g.capture()), byName, "create");
    expect(path.totalSeconds).toBe(222);
    expect(names(path)).toEqual(["subnet-2", "nat-105", "nodes-115"]);
  });

  it("runs backwards for destroy: what depends on a resource goes first", () => {
    const g = new GraphBuilder();
    const vpc = g.add("t:Vpc", "vpc-10");
    const nat = g.add("t:Nat", "nat-60", { dependsOn: [vpc] });
    g.add("t:Ingress", "ingress-120", { dependsOn: [nat] });
    const path = criticalPath(new DependencyGraph(g.capture()), byName, "destroy");
    expect(path.totalSeconds).toBe(190);
    expect(names(path)).toEqual(["ingress-120", "nat-60", "vpc-10"]);
  });

  it("counts what no source times as nothing, and lists its type", () => {
    const g = new GraphBuilder();
    const a = g.add("t:Known", "a-5");
    g.add("t:Unknown", "untimed", { dependsOn: [a] });
    const path = criticalPath(new DependencyGraph(g.capture()), byName, "create");
    expect(path).toMatchObject({ totalSeconds: 5, untimed: ["t:Unknown"] });
  });
});
