import { beforeAll, describe, expect, it } from "vitest";
import { autoProvisioningArgs, clusterScaling } from "../../../components/azure/node-provisioning.js";
import { loadSettings, type AksSettings } from "../../../src/config.js";
import { captureStack, stackRunConfig, type Capture } from "../../../src/plan/capture.js";
import { all, one } from "../../support/capture-helpers.js";

type Inputs = Record<string, unknown>;
const at = (value: unknown, key: string): unknown => (value as Inputs | undefined)?.[key];


const managedCluster = "azure-native:containerservice:ManagedCluster";
const nodePoolType = "kubernetes:karpenter.sh/v1:NodePool";
const nodeClassType = "kubernetes:karpenter.azure.com/v1beta1:AKSNodeClass";
const vpaType = "kubernetes:autoscaling.k8s.io/v1:VerticalPodAutoscaler";
const cluster = (capture: Capture) => one(capture, managedCluster).inputs;
const fixedAppPool = JSON.stringify(["name=apps,vmSize=Standard_D4s_v5,count=3,zones=1|2|3"]);

/** dev with the autoscaler on its system pool, so that the dev profile is sent. */
let devAutoscaled: Capture;
let prod: Capture;
/** dev with node auto-provisioning, and VPA turned on by its key. */
let devNap: Capture;
/** prod with node auto-provisioning beside a fixed app pool, and VPA turned off by its key. */
let prodNap: Capture;

beforeAll(async () => {
  devAutoscaled = await captureStack("dev-aks", { aksAutoscaler: "true" });
  prod = await captureStack("prod-aks", {}, { offline: true });
  devNap = await captureStack("dev-aks", { aksNodeProvisioning: "auto", aksVerticalPodAutoscaler: "true" });
  prodNap = await captureStack("prod-aks", { aksNodeProvisioning: "auto", aksUserPools: fixedAppPool, aksVerticalPodAutoscaler: "false" }, { offline: true });
});

/** A stack's settings, as the program reads them, without running it. */
function settingsOf(stack: string, overrides: Record<string, string | undefined> = {}): AksSettings {
  const settings = loadSettings(stackRunConfig(stack, overrides, { offline: true }).source);
  if (settings.platform.cloud !== "azure") throw new Error(`${stack} is not an AKS stack`);
  return settings.platform.aks;
}

describe("the cluster autoscaler, by default", () => {
  it("scales dev down fast: 5 minutes unneeded, 5 after a scale-up, the least-waste pool", () => {
    expect(cluster(devAutoscaled).autoScalerProfile).toEqual({
      scaleDownUnneededTime: "5m",
      scaleDownDelayAfterAdd: "5m",
      expander: "least-waste",
      skipNodesWithLocalStorage: "false",
    });
    expect(cluster(devAutoscaled).nodeProvisioningProfile).toEqual({ mode: "Manual", defaultNodePools: "None" });
  });

  it("scales prod down conservatively, balancing similar pools, and lets nodes with emptyDir pods go", () => {
    expect(cluster(prod).autoScalerProfile).toEqual({
      scaleDownUnneededTime: "10m",
      scaleDownDelayAfterAdd: "10m",
      expander: "least-waste",
      balanceSimilarNodeGroups: "true",
      skipNodesWithLocalStorage: "false",
    });
    expect(cluster(prod).nodeProvisioningProfile).toEqual({ mode: "Manual", defaultNodePools: "None" });
    // The pools stay autoscaled; nothing of NAP's is created.
    expect((cluster(prod).agentPoolProfiles as Inputs[])[0]).toMatchObject({ enableAutoScaling: true });
    expect(one(prod, "azure-native:containerservice:AgentPool").inputs).toMatchObject({ enableAutoScaling: true, minCount: 3, maxCount: 9 });
    expect([...all(prod, nodePoolType), ...all(prod, nodeClassType)]).toEqual([]);
  });

  it("sends the profile only while some pool is autoscaled, and never with NAP", () => {
    expect(clusterScaling(settingsOf("dev-aks")).autoscalerProfile).toBeUndefined();
    const withBatchPool = settingsOf("dev-aks", { aksUserPools: JSON.stringify(["name=batch,vmSize=Standard_D2s_v5,count=1,minCount=0,maxCount=3"]) });
    expect(clusterScaling(withBatchPool).autoscalerProfile).toMatchObject({ scaleDownUnneededTime: "5m" });
    expect(cluster(devNap).autoScalerProfile).toBeUndefined();
    expect(cluster(prodNap).autoScalerProfile).toBeUndefined();
  });
});

describe("node auto-provisioning", () => {
  it("turns NAP on without AKS's default NodePools, whose lack of limits would bypass ours", () => {
    for (const capture of [devNap, prodNap]) {
      expect(cluster(capture).nodeProvisioningProfile, capture.stack).toEqual({ mode: "Auto", defaultNodePools: "None" });
      // No cluster autoscaler beside it: prod's system pool and app pool keep fixed counts.
      expect((cluster(capture).agentPoolProfiles as Inputs[])[0], capture.stack).toMatchObject({ enableAutoScaling: false, count: 3 });
      expect(one(capture, managedCluster).ignoreChanges).toEqual([]);
    }
    expect(one(prodNap, "azure-native:containerservice:AgentPool").inputs).toMatchObject({ agentPoolName: "apps", enableAutoScaling: false, count: 3 });
  });

  it("gives dev a small on-demand D-series NodePool across the system pool's zones, consolidated after 5 minutes", () => {
    const pool = one(devNap, nodePoolType).inputs;
    expect(pool.metadata).toMatchObject({ name: "general", annotations: { "pulumi.com/waitFor": "condition=Ready" } });
    const spec = pool.spec as Inputs;
    expect(spec.limits).toEqual({ cpu: "8", memory: "32Gi" });
    expect(spec.disruption).toEqual({ consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "5m", budgets: [{ nodes: "10%" }] });
    const template = at(spec.template, "spec") as Inputs;
    expect(template.nodeClassRef).toEqual({ group: "karpenter.azure.com", kind: "AKSNodeClass", name: "general" });
    expect(template.expireAfter).toBe("Never");
    expect(template.requirements).toEqual([
      { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
      { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
      { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
      { key: "karpenter.azure.com/sku-family", operator: "In", values: ["D"] },
      { key: "karpenter.azure.com/sku-cpu", operator: "Gt", values: ["1"] },
      { key: "topology.kubernetes.io/zone", operator: "In", values: ["westeurope-1", "westeurope-2", "westeurope-3"] },
    ]);
  });

  it("caps prod's NodePool at its app pool's ceiling, taking nodes away one at a time after 10 minutes", () => {
    const spec = one(prodNap, nodePoolType).inputs.spec as Inputs;
    expect(spec.limits).toEqual({ cpu: "36", memory: "144Gi" });
    expect(spec.disruption).toEqual({ consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "10m", budgets: [{ nodes: "1" }] });
  });

  it("boots the nodes from Azure Linux, with the system pool's pods per node and the stack's tags", () => {
    const devClass = one(devNap, nodeClassType).inputs;
    expect(devClass.metadata).toMatchObject({ name: "general", annotations: { "pulumi.com/waitFor": "condition=Ready" } });
    expect(devClass.spec).toEqual({ imageFamily: "AzureLinux", maxPods: 30, tags: { environment: "dev", purpose: "workshop" } });
    expect(at(one(prodNap, nodeClassType).inputs.spec, "maxPods")).toBe(110);
  });

  it("creates the NodePool after its class, the cluster and the cluster's subnet role, through the cluster's provider", () => {
    const provider = one(devNap, "pulumi:providers:kubernetes");
    const pool = one(devNap, nodePoolType);
    const nodeClass = one(devNap, nodeClassType);
    const subnetRole = all(devNap, "azure-native:authorization:RoleAssignment").find((r) => r.name.endsWith("-network-contributor"));
    for (const resource of [pool, nodeClass]) {
      expect(resource.provider, resource.name).toBe(provider.urn);
      expect(resource.dependencies, resource.name).toEqual(expect.arrayContaining([one(devNap, managedCluster).urn, subnetRole?.urn]));
    }
    expect(pool.dependencies).toContain(nodeClass.urn);
  });

  it("asks Karpenter under NAP, and the cluster autoscaler otherwise, to leave Redis's node alone", () => {
    const annotations = (capture: Capture) =>
      ((capture.resources.find((r) => r.type === "kubernetes:apps/v1:StatefulSet")?.inputs.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata.annotations);
    expect(annotations(devNap)).toEqual({ "karpenter.sh/do-not-disrupt": "true" });
    expect(annotations(prod)).toEqual({ "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" });
  });

  it("makes every workload wait for the NodePool and its class, so that they are deleted first", () => {
    const pool = one(devNap, nodePoolType);
    const nodeClass = one(devNap, nodeClassType);
    const workloads = devNap.resources.filter((r) => ["kubernetes:apps/v1:Deployment", "kubernetes:apps/v1:StatefulSet"].includes(r.type));
    expect(workloads.length).toBeGreaterThanOrEqual(2);
    for (const workload of workloads) expect(workload.dependencies, workload.name).toEqual(expect.arrayContaining([pool.urn, nodeClass.urn]));
  });

  it("refuses an autoscaled user pool in a program that builds the component itself", () => {
    const settings = settingsOf("prod-aks");
    const nap = { ...settings, scaling: { ...settings.scaling, nodeProvisioning: "auto" as const } };
    expect(() => autoProvisioningArgs("aks", nap, {})).toThrow(/node auto-provisioning takes no autoscaled user pool \(apps has minCount or maxCount\)/);
    expect(autoProvisioningArgs("aks", settings, {})).toBeUndefined();
  });
});

describe("the Vertical Pod Autoscaler", () => {
  it("is on in prod and off in dev by default, and either way by aksVerticalPodAutoscaler", () => {
    const vpa = (capture: Capture) => cluster(capture).workloadAutoScalerProfile;
    expect(vpa(prod)).toEqual({ verticalPodAutoscaler: { enabled: true } });
    // Sent off too, so that turning it off takes effect.
    expect(vpa(devAutoscaled)).toEqual({ verticalPodAutoscaler: { enabled: false } });
    expect(vpa(devNap)).toEqual({ verticalPodAutoscaler: { enabled: true } });
    expect(vpa(prodNap)).toEqual({ verticalPodAutoscaler: { enabled: false } });
  });

  it("tells the app, which then asks VPA for Redis's resources only where it runs", () => {
    expect(all(prod, vpaType)).toHaveLength(1);
    expect(all(devNap, vpaType)).toHaveLength(1);
    expect(all(devAutoscaled, vpaType)).toEqual([]);
    expect(all(prodNap, vpaType)).toEqual([]);
  });
});
