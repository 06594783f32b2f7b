import { describe, expect, it } from "vitest";
import { DependencyGraph } from "../../../src/plan/lifecycle/graph.js";
import { GraphBuilder } from "./builder.js";

describe("the dependency graph of a capture", () => {
  it("lets a dependency on a component stand for every custom resource under it, at any depth", () => {
    const g = new GraphBuilder();
    const component = g.add("my:Component", "vpc", { custom: false });
    const inner = g.add("my:Component", "vpc-inner", { custom: false, parent: component });
    const subnet = g.add("aws:ec2/subnet:Subnet", "subnet", { parent: component });
    const route = g.add("aws:ec2/route:Route", "route", { parent: inner });
    const nodes = g.add("aws:eks/nodeGroup:NodeGroup", "nodes", { dependsOn: [component] });
    const graph = new DependencyGraph(g.capture());
    expect([...graph.dependenciesOf(nodes)].sort()).toEqual([route, subnet].sort());
  });

  it("counts the provider as a dependency, and the parent as none", () => {
    const g = new GraphBuilder();
    const cluster = g.add("aws:eks/cluster:Cluster", "cluster");
    const provider = g.add("pulumi:providers:kubernetes", "k8s", { dependsOn: [cluster] });
    const parent = g.add("aws:eks/addon:Addon", "parent-addon");
    const object = g.add("kubernetes:core/v1:Namespace", "ns", { provider, parent });
    const graph = new DependencyGraph(g.capture());
    expect([...graph.dependenciesOf(object)]).toEqual([provider]);
    expect(graph.deletesBefore(object, cluster)).toBe(true);
    expect(graph.deletesBefore(object, parent)).toBe(false);
  });

  it("creates each resource one wave after its latest dependency, and destroys in the mirror order", () => {
    const g = new GraphBuilder();
    const vpc = g.add("aws:ec2/vpc:Vpc", "vpc");
    const subnet = g.add("aws:ec2/subnet:Subnet", "subnet", { dependsOn: [vpc] });
    const role = g.add("aws:iam/role:Role", "role");
    const cluster = g.add("aws:eks/cluster:Cluster", "cluster", { dependsOn: [subnet, role] });
    const log = g.add("aws:cloudwatch/logGroup:LogGroup", "log");
    const graph = new DependencyGraph(g.capture());
    expect(graph.createWaves()).toEqual([[vpc, role, log], [subnet], [cluster]]);
    // The log group and the cluster have no dependents: both go at once; the VPC goes last.
    expect(graph.destroyWaves()).toEqual([[cluster, log], [subnet, role], [vpc]]);
  });

  it("refuses a cycle, which the engine could neither create nor destroy", () => {
    const g = new GraphBuilder();
    const a = g.add("my:Thing", "a");
    const b = g.add("my:Thing", "b", { dependsOn: [a] });
    g.depend(a, b);
    expect(() => new DependencyGraph(g.capture()).createWaves()).toThrow(/dependency cycle/);
  });
});
