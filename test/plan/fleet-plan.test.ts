import { beforeAll, describe, expect, it } from "vitest";
import { loadStackSettings } from "../../src/config.js";
import { captureStack, stackRunConfig, type Capture } from "../../src/plan/capture.js";
import { analyzeFleetInsights, type Insights } from "../../src/plan/insights/index.js";
import { renderInsights } from "../../src/plan/insights/render.js";
import { analyzeLifecycle } from "../../src/plan/lifecycle/index.js";

let capture: Capture;
let insights: Insights;
let members: Parameters<typeof analyzeFleetInsights>[1]["members"];
beforeAll(async () => {
  capture = await captureStack("fleet", {}, { offline: true });
  const loaded = loadStackSettings(stackRunConfig("fleet", {}, { offline: true }).source);
  if (loaded.kind !== "fleet") throw new Error("not a fleet");
  members = loaded.fleet.members.map((m) => ({ name: m.name, cloud: m.cloud, region: m.region }));
  insights = analyzeFleetInsights(capture, { members, entryCloud: "aws", waivers: loaded.fleet.members[0]?.settings.policyWaivers ?? {} });
}, 60_000);

describe("the offline plan of a fleet", () => {
  it("times the members side by side: the fleet takes as long as its slowest member and then its entry", () => {
    const fleet = insights.fleet;
    if (!fleet) throw new Error("no fleet figures");
    const slowest = Math.max(...fleet.members.map((m) => m.createSeconds));
    const sum = fleet.members.reduce((total, m) => total + m.createSeconds, 0);
    expect(insights.criticalPath.totalSeconds).toBeGreaterThanOrEqual(slowest);
    expect(insights.criticalPath.totalSeconds).toBeLessThan(sum);
    expect(insights.criticalPath.totalSeconds).toBeLessThanOrEqual(slowest + fleet.entry.createSeconds);
    // The entry's records come last: they need the member's load balancer's name.
    expect(insights.criticalPath.chain.at(-1)?.type).toBe("aws:route53/record:Record");
  });

  it("sums the cost of the members, each at its own cloud's prices, and of the entry", () => {
    const fleet = insights.fleet;
    if (!fleet) throw new Error("no fleet figures");
    const parts = [...fleet.members, fleet.entry];
    expect(insights.cost.hourly).toBeCloseTo(parts.reduce((total, p) => total + p.hourly, 0), 3);
    expect(fleet.members.map((m) => [m.name, m.cloud, m.region])).toEqual([
      ["seoul", "azure", "koreacentral"],
      ["tokyo", "aws", "ap-northeast-1"],
    ]);
    expect(fleet.members.every((m) => m.monthly > 50)).toBe(true);
    // Route 53 checks an endpoint outside AWS (the Azure member) at a higher price than one on AWS.
    expect(insights.cost.byType.find((t) => t.type === "aws:route53/healthCheck:HealthCheck")).toEqual({ type: "aws:route53/healthCheck:HealthCheck", count: 2, monthly: 1.25 });
    // A million lookups of the fleet's name: a million latency queries ($0.60), and as many of the members'
    // own names its CNAMEs lead to, split between them ($0.40 a million, standard).
    expect(insights.cost.byType.find((t) => t.type === "aws:route53/record:Record")).toEqual({ type: "aws:route53/record:Record", count: 4, monthly: 1 });
    // Tokyo drained: its routed record is gone, and its own name, which nothing leads to, costs next to nothing.
    const drained = analyzeFleetInsights(
      { ...capture, resources: capture.resources.filter((r) => r.name !== "global-record-tokyo") },
      { members, entryCloud: "aws", waivers: {} },
    );
    expect(drained.cost.byType.find((t) => t.type === "aws:route53/record:Record")).toEqual({ type: "aws:route53/record:Record", count: 3, monthly: 1 });
    expect(renderInsights(insights)).toMatch(/^Fleet: 2 member\(s\) created side by side, then the global entry/m);
  });

  it("checks the cluster rules within each member, and fails a record that would outlive its member's load balancer", () => {
    expect(analyzeLifecycle(capture).violations).toEqual([]);
    const detached = {
      resources: capture.resources.map((r) =>
        r.type === "aws:route53/record:Record" && r.name === "global-member-tokyo" ? { ...r, dependencies: [], propertyDependencies: {} } : r,
      ),
    };
    // The member's own name would outlive its ALB; the routed record still waits for it through its health check.
    expect(analyzeLifecycle(detached).violations).toEqual([
      expect.objectContaining({ rule: "global-entry-before-member-endpoints", detail: expect.stringMatching(/^Record global-member-tokyo must be deleted before Ingress tokyo-vote-endpoint-ingress/) }),
    ]);
  });
});
