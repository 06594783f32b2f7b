import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config.js";
import { aks, list, problems, project } from "../support/aks-config.js";
import { attemptStack } from "../../src/plan/capture.js";

/** Node auto-provisioning in prod, with the app pool fixed, as it must be. */
const prodNap = { aksNodeProvisioning: "auto", aksUserPools: list("name=apps,vmSize=Standard_D4s_v5,count=3,zones=1|2|3") };

describe("AKS scaling defaults", () => {
  it("keeps the cluster autoscaler, scaling dev down after 5 minutes and prod after AKS's 10", () => {
    const dev = aks("dev").scaling;
    expect(dev.nodeProvisioning).toBe("autoscaler");
    expect(dev.autoscalerProfile).toEqual({ scaleDownUnneededTime: "5m", scaleDownDelayAfterAdd: "5m", expander: "least-waste", skipNodesWithLocalStorage: "false" });
    const prod = aks("prod").scaling;
    expect(prod.nodeProvisioning).toBe("autoscaler");
    expect(prod.autoscalerProfile).toEqual({
      scaleDownUnneededTime: "10m",
      scaleDownDelayAfterAdd: "10m",
      expander: "least-waste",
      balanceSimilarNodeGroups: "true",
      skipNodesWithLocalStorage: "false",
    });
  });

  it("runs the Vertical Pod Autoscaler in prod only, unless aksVerticalPodAutoscaler says otherwise", () => {
    expect(aks("dev").scaling.verticalPodAutoscaler).toBe(false);
    expect(aks("prod").scaling.verticalPodAutoscaler).toBe(true);
    expect(aks("dev", { aksVerticalPodAutoscaler: "true" }).scaling.verticalPodAutoscaler).toBe(true);
    expect(aks("prod", { aksVerticalPodAutoscaler: "false" }).scaling.verticalPodAutoscaler).toBe(false);
  });

  it("lays aksAutoscalerProfile over the environment's profile, DaemonSet switches as booleans", () => {
    const profile = aks("prod", { aksAutoscalerProfile: list("scaleDownUnneededTime=20m", "expander=priority", "daemonsetEvictionForEmptyNodes=true", "scanInterval=30s") }).scaling
      .autoscalerProfile;
    expect(profile).toEqual({
      scaleDownUnneededTime: "20m",
      scaleDownDelayAfterAdd: "10m",
      expander: "priority",
      balanceSimilarNodeGroups: "true",
      skipNodesWithLocalStorage: "false",
      daemonsetEvictionForEmptyNodes: true,
      scanInterval: "30s",
    });
  });

  it("sizes NAP's NodePool per environment: a small cap in dev, prod's app pool ceiling in prod", () => {
    expect(aks("dev", { aksNodeProvisioning: "auto" }).scaling).toMatchObject({
      nodeProvisioning: "auto",
      autoProvisioning: { cpuLimit: 8, memoryLimitGiB: 32, consolidateAfter: "5m", disruptionBudget: "10%" },
    });
    expect(aks("prod", prodNap).scaling.autoProvisioning).toEqual({ cpuLimit: 36, memoryLimitGiB: 144, consolidateAfter: "10m", disruptionBudget: "1" });
  });

  it("leaves prod's system pool to a fixed count with NAP, since AKS runs no cluster autoscaler beside it", () => {
    expect(aks("prod").systemPool.autoscaler).toEqual({ minCount: 3, maxCount: 6 });
    expect(aks("prod", prodNap).systemPool).toMatchObject({ autoscaler: undefined, count: 3 });
  });

  it("takes NAP with flat Azure CNI or the overlay, Cilium or Azure NPM, virtual nodes, and fixed user pools", () => {
    expect(aks("dev", { aksNodeProvisioning: "auto" }).network).toMatchObject({ overlay: false, policy: "cilium" });
    expect(aks("dev", { aksNodeProvisioning: "auto", aksVirtualNodes: "true" }).network.policy).toBe("azure");
    expect(aks("prod", prodNap).network).toMatchObject({ overlay: true, policy: "cilium" });
    expect(aks("prod", prodNap).userPools.map((pool) => pool.name)).toEqual(["apps"]);
    // NAP gives the app's pods nodes of its own, so the system pool may keep to system pods.
    expect(aks("dev", { aksNodeProvisioning: "auto", aksSystemPoolCriticalOnly: "true" }).systemPool.criticalAddonsOnly).toBe(true);
  });
});

describe("AKS scaling errors", () => {
  it.each([
    ["an unknown provisioning mode", { aksNodeProvisioning: "karpenter" }, "aksNodeProvisioning", /one of autoscaler, auto/],
    ["a VPA switch that is not a boolean", { aksVerticalPodAutoscaler: "yes" }, "aksVerticalPodAutoscaler", /true or false/],
    ["a profile setting by its CLI name", { aksAutoscalerProfile: list("scale-down-unneeded-time=3m") }, "aksAutoscalerProfile", /scale-down-unneeded-time is not one \(scale-down-unneeded-time is the CLI's name for scaleDownUnneededTime\)/],
    ["a profile setting AKS does not have", { aksAutoscalerProfile: list("scaleDownEverything=true") }, "aksAutoscalerProfile", /scaleDownEverything is not one/],
    ["a scale-down time in seconds", { aksAutoscalerProfile: list("scaleDownUnneededTime=90s") }, "aksAutoscalerProfile", /scaleDownUnneededTime as whole minutes such as 10m, the only unit ARM takes, not "90s"/],
    ["an unknown expander", { aksAutoscalerProfile: list("expander=cheapest") }, "aksAutoscalerProfile", /expander as least-waste, most-pods, priority or random/],
    ["a utilization threshold above 1", { aksAutoscalerProfile: list("scaleDownUtilizationThreshold=1.5") }, "aksAutoscalerProfile", /a fraction from 0 to 1/],
    ["a profile entry without =", { aksAutoscalerProfile: list("expander") }, "aksAutoscalerProfile", /key=value/],
    ["NAP with Calico", { aksNodeProvisioning: "auto", aksNetworkPolicy: "calico" }, "aksNetworkPolicy", /cilium, azure or none while aksNodeProvisioning is auto: node auto-provisioning does not support Calico/],
    ["NAP with the autoscaler on the system pool", { aksNodeProvisioning: "auto", aksAutoscaler: "true" }, "aksAutoscaler", /false while aksNodeProvisioning is auto: AKS runs no cluster autoscaler beside node auto-provisioning/],
    [
      "NAP with an autoscaled user pool",
      { aksNodeProvisioning: "auto", aksUserPools: list("name=fixed,vmSize=Standard_D4s_v5,count=1", "name=batch,vmSize=Standard_D4s_v5,count=1,minCount=0,maxCount=3") },
      "aksUserPools",
      /pools without minCount and maxCount while aksNodeProvisioning is auto \(batch has them\)/,
    ],
    ["NAP with an autoscaler profile", { aksNodeProvisioning: "auto", aksAutoscalerProfile: list("scaleDownUnneededTime=3m") }, "aksAutoscalerProfile", /an empty list while aksNodeProvisioning is auto/],
    // Without NAP the /24 holds the 3 system nodes and a surge node at 31 addresses each; NAP's 4 nodes at its
    // 8-vCPU cap, and one replacing another, do not fit.
    ["NAP's nodes beyond a flat CNI subnet", { aksNodeProvisioning: "auto", aksNodeSubnetCidr: "10.10.0.0/24" }, "aksNodeSubnetCidr", /279 at full scale/],
  ])("rejects %s, naming the key, the value and what is accepted", (_label, values, key, expected) => {
    const found = problems(values as Record<string, string>);
    const problem = found.find((p) => p.key === `${project}:${key}`);
    expect(problem, JSON.stringify(found)).toBeDefined();
    expect(problem?.value).toBe((values as Record<string, string>)[key]);
    expect(problem?.expected).toMatch(expected);
  });

  it("leaves the same subnet alone without NAP", () => {
    expect(aks("dev", { aksNodeSubnetCidr: "10.10.0.0/24" }).network.nodeSubnetCidr).toBe("10.10.0.0/24");
  });

  it("refuses NAP on the prod stack as it stands, with its autoscaled app pool, and with Calico, before any resource is registered", async () => {
    const attempt = await attemptStack("prod-aks", { aksNodeProvisioning: "auto", aksNetworkPolicy: "calico" }, { offline: true });
    expect(attempt.error).toBeInstanceOf(ConfigError);
    const message = (attempt.error as Error).message;
    expect(message).toContain('voting-platform:aksNetworkPolicy = "calico": cilium, azure or none while aksNodeProvisioning is auto');
    // The stack file's app pool is autoscaled; the system pool's autoscaler, on by default, goes off with NAP.
    expect(message).not.toContain("aksAutoscaler");
    expect(message).toMatch(/voting-platform:aksUserPools = .*: pools without minCount and maxCount while aksNodeProvisioning is auto \(apps has them\)/);
    expect(attempt.resources).toEqual([]);
  });
});
