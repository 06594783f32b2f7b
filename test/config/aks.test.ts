import { describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config.js";
import { aks, list, problems, project } from "../support/aks-config.js";
import { attemptStack } from "../../src/plan/capture.js";


describe("AKS config defaults", () => {
  it("keeps dev to the seed demo at the lowest cost", () => {
    const dev = aks("dev");
    expect(dev.systemPool).toMatchObject({ count: 3, vmSize: "Standard_B2ms", zones: [], autoscaler: undefined, criticalAddonsOnly: false });
    expect(dev.network).toMatchObject({ overlay: false, podCidr: undefined, policy: "cilium" });
    expect(aks("dev", { aksVirtualNodes: "true" }).network.policy).toBe("azure");
    expect(dev).toMatchObject({ skuTier: "Free", registrySku: "Basic", logRetentionDays: 30, azurePolicy: false, userPools: [] });
    expect(dev.access).toMatchObject({ entraId: false, disableLocalAccounts: false });
    expect(dev.keyVault).toEqual({ softDeleteRetentionDays: 7, purgeProtection: false });
  });

  it("keeps OS disks managed unless a pool asks for ephemeral ones, whatever the size", () => {
    expect(aks("dev").systemPool.osDiskType).toBe("Managed");
    expect(aks("prod").systemPool.osDiskType).toBe("Managed");
    expect(aks("dev", { aksUserPools: list("name=user,vmSize=Standard_D4ds_v5,count=1") }).userPools[0]?.osDiskType).toBe("Managed");
    const ephemeral = aks("dev", { aksOsDiskType: "Ephemeral", aksVmSize: "Standard_D4ds_v5", aksUserPools: list("name=user,vmSize=Standard_D8ds_v5,count=1,osDiskType=Ephemeral") });
    expect(ephemeral.systemPool.osDiskType).toBe("Ephemeral");
    expect(ephemeral.userPools[0]?.osDiskType).toBe("Ephemeral");
  });

  it("accepts the node-image upgrade channel with the NodeImage node OS channel", () => {
    expect(aks("dev", { aksUpgradeChannel: "node-image", aksNodeOsUpgradeChannel: "NodeImage" }).upgrade).toMatchObject({ channel: "node-image", nodeOsChannel: "NodeImage" });
  });

  it("turns on the secure, highly available settings in prod", () => {
    const prod = aks("prod");
    expect(prod.systemPool).toMatchObject({ vmSize: "Standard_D4s_v5", zones: ["1", "2", "3"], autoscaler: { minCount: 3, maxCount: 6 } });
    expect(prod.network).toMatchObject({ overlay: true, podCidr: "10.244.0.0/16", policy: "cilium" });
    expect(prod).toMatchObject({ skuTier: "Standard", registrySku: "Premium", logRetentionDays: 90, azurePolicy: true });
    expect(prod.access).toMatchObject({ entraId: true, disableLocalAccounts: true, kubeloginMode: "azurecli" });
    expect(prod.keyVault).toEqual({ softDeleteRetentionDays: 90, purgeProtection: true });
    expect(prod.upgrade).toEqual({ channel: "patch", nodeOsChannel: "NodeImage", window: { day: "Sunday", startTime: "02:00", durationHours: 4, utcOffset: "+00:00" } });
  });

  it("reads user pools from key=value records and taints the system pool when they exist", () => {
    const settings = aks("dev", { aksUserPools: list("name=user,vmSize=Standard_D4s_v5,count=2,minCount=1,maxCount=5,zones=1|2|3,labels=workload=web|tier=front") });
    expect(settings.userPools).toEqual([
      { name: "user", vmSize: "Standard_D4s_v5", count: 2, minCount: 1, maxCount: 5, zones: ["1", "2", "3"], labels: { workload: "web", tier: "front" }, osDiskType: "Managed" },
    ]);
    expect(settings.systemPool.criticalAddonsOnly).toBe(true);
    expect(aks("dev", { aksUserPools: list("name=one,vmSize=Standard_D2s_v5,count=1,zones=2") }).userPools[0]?.zones).toEqual(["2"]);
  });
});

describe("AKS config errors", () => {
  it.each([
    ["an overlapping pod CIDR", { aksNetworkOverlay: "true", aksPodCidr: "10.10.128.0/17" }, "aksPodCidr", /overlaps neither aksVnetCidr \(10\.10\.0\.0\/16\)/],
    ["a pod CIDR over the services", { aksNetworkOverlay: "true", aksPodCidr: "10.0.0.0/8" }, "aksPodCidr", /aksServiceCidr/],
    ["an unknown policy", { aksNetworkPolicy: "weave" }, "aksNetworkPolicy", /one of azure, calico, cilium, none/],
    ["virtual nodes with the overlay", { aksVirtualNodes: "true", aksNetworkOverlay: "true" }, "aksVirtualNodes", /flat Azure CNI/],
    ["a virtual nodes subnet over the node subnet", { aksVirtualNodes: "true", aksVirtualNodesSubnetCidr: "10.10.1.0/24" }, "aksVirtualNodesSubnetCidr", /not overlap aksNodeSubnetCidr/],
    ["a zone outside 1-3", { aksZones: list("1", "4") }, "aksZones", /availability zone: 1, 2 or 3/],
    ["zones that are not a list", { aksZones: "1,2,3" }, "aksZones", /a list of availability zones/],
    ["a repeated zone", { aksZones: list("1", "1") }, "aksZones", /each once/],
    ["min above max", { aksAutoscaler: "true", aksNodeMinCount: "5", aksNodeMaxCount: "3" }, "aksNodeMinCount", /at most aksNodeMaxCount \(3\)/],
    ["a count outside the autoscaler's bounds", { aksAutoscaler: "true", aksNodeMinCount: "4", aksNodeMaxCount: "6" }, "aksNodeCount", /from aksNodeMinCount to aksNodeMaxCount \(4 to 6\)/],
    ["a maintenance window at 25:00", { aksMaintenanceStartTime: "25:00" }, "aksMaintenanceStartTime", /a time of day from 00:00 to 23:59/],
    ["a three-hour window", { aksMaintenanceDurationHours: "3" }, "aksMaintenanceDurationHours", /an integer from 4 to 24/],
    ["an unknown weekday", { aksMaintenanceDay: "Funday" }, "aksMaintenanceDay", /one of Monday, .*Sunday/],
    ["a VM size too small for a system pool", { aksVmSize: "Standard_B1s" }, "aksVmSize", /at least 2 vCPUs and 4 GiB/],
    ["an empty VM size", { aksVmSize: "" }, "aksVmSize", /Azure VM size/],
    ["a node subnet too small for flat CNI", { aksNodeSubnetCidr: "10.10.0.0/26" }, "aksNodeSubnetCidr", /maxPods \+ 1 addresses per node/],
    ["a pinned patch under auto-upgrade", { aksKubernetesVersion: "1.33.2" }, "aksKubernetesVersion", /a minor version such as 1\.33 while aksUpgradeChannel is patch/],
    // AKS lets the patch drift on these channels (Azure/AKS#3476): the next pulumi up would fight it.
    ["a pinned patch under the stable channel", { aksKubernetesVersion: "1.34.3", aksUpgradeChannel: "stable" }, "aksKubernetesVersion", /while aksUpgradeChannel is stable/],
    ["a pinned patch under the rapid channel", { aksKubernetesVersion: "1.34.3", aksUpgradeChannel: "rapid" }, "aksKubernetesVersion", /while aksUpgradeChannel is rapid/],
    ["authorized ranges on a private cluster", { aksPrivateCluster: "true", aksAuthorizedIpRanges: list("20.50.1.7/32") }, "aksAuthorizedIpRanges", /no public endpoint/],
    ["an authorized range that is not a CIDR", { aksAuthorizedIpRanges: list("my-office") }, "aksAuthorizedIpRanges", /IPv4 CIDR block/],
    ["local accounts off without Entra ID", { aksDisableLocalAccounts: "true" }, "aksDisableLocalAccounts", /only Entra ID can sign in/],
    ["an admin group that is not an object id", { aksEntraId: "true", aksAdminGroupObjectIds: list("platform-admins") }, "aksAdminGroupObjectIds", /object id \(a UUID\)/],
    ["the system pool tainted with no user pool", { aksSystemPoolCriticalOnly: "true" }, "aksSystemPoolCriticalOnly", /no node to run on/],
    ["a user pool with min above max", { aksUserPools: list("name=user,vmSize=Standard_D4s_v5,count=2,minCount=5,maxCount=3") }, "aksUserPools", /pool user with minCount at most maxCount/],
    ["a user pool with only minCount", { aksUserPools: list("name=user,vmSize=Standard_D4s_v5,count=2,minCount=1") }, "aksUserPools", /both minCount and maxCount/],
    ["a user pool with a bad name", { aksUserPools: list("name=User_Pool,vmSize=Standard_D4s_v5,count=2") }, "aksUserPools", /1-12 lowercase letters or digits/],
    ["a user pool with a misspelt key", { aksUserPools: list("name=user,vmsize=Standard_D4s_v5,count=2") }, "aksUserPools", /vmsize|vmSize/],
    ["a user pool in zone 4", { aksUserPools: list("name=user,vmSize=Standard_D4s_v5,count=2,zones=1|4") }, "aksUserPools", /zones from 1, 2 and 3/],
    ["two pools of one name", { aksUserPools: list("name=user,vmSize=Standard_D4s_v5,count=1", "name=user,vmSize=Standard_D4s_v5,count=1") }, "aksUserPools", /unique names/],
    ["a log retention of 7 days", { aksLogRetentionDays: "7" }, "aksLogRetentionDays", /an integer from 30 to 730/],
    ["a soft delete of 100 days", { aksKeyVaultSoftDeleteDays: "100" }, "aksKeyVaultSoftDeleteDays", /an integer from 7 to 90/],
    ["an unknown ACR tier", { aksAcrSku: "Gold" }, "aksAcrSku", /one of Basic, Standard, Premium/],
    ["an interactive kubelogin mode", { aksKubeloginMode: "devicecode" }, "aksKubeloginMode", /one of azurecli, azd, spn, msi, workloadidentity/],
    ["virtual nodes with authorized IP ranges", { aksVirtualNodes: "true", aksAuthorizedIpRanges: list("198.18.0.0/24") }, "aksVirtualNodes", /false while aksAuthorizedIpRanges is set: virtual nodes do not support/],
    ["the node-image channel with another node OS channel", { aksUpgradeChannel: "node-image", aksNodeOsUpgradeChannel: "SecurityPatch" }, "aksUpgradeChannel", /while aksNodeOsUpgradeChannel is SecurityPatch: the node-image channel needs aksNodeOsUpgradeChannel NodeImage/],
    ["an ephemeral OS disk on a size without a local disk", { aksOsDiskType: "Ephemeral", aksVmSize: "Standard_D4s_v5" }, "aksOsDiskType", /Managed with aksVmSize Standard_D4s_v5, which has no cache or temp disk/],
    ["a user pool with an ephemeral OS disk on a size without a local disk", { aksUserPools: list("name=user,vmSize=Standard_E8as_v6,count=2,osDiskType=Ephemeral") }, "aksUserPools", /pool user with osDiskType Managed: Standard_E8as_v6 has no cache or temp disk/],
    ["a user pool with an unknown OS disk type", { aksUserPools: list("name=user,vmSize=Standard_D4s_v5,count=2,osDiskType=Premium") }, "aksUserPools", /Managed|Ephemeral/],
  ])("rejects %s, naming the key, the value and what is accepted", (_label, values, key, expected) => {
    const found = problems(values as Record<string, string>);
    const problem = found.find((p) => p.key === `${project}:${key}`);
    expect(problem, JSON.stringify(found)).toBeDefined();
    expect(problem?.value).toBe((values as Record<string, string>)[key]);
    expect(problem?.expected).toMatch(expected);
  });

  it("fails the stack before any resource is registered", async () => {
    const attempt = await attemptStack("dev-aks", { aksMaintenanceStartTime: "25:00", aksZones: JSON.stringify(["4"]) });
    expect(attempt.error).toBeInstanceOf(ConfigError);
    const message = (attempt.error as Error).message;
    expect(message).toContain('voting-platform:aksMaintenanceStartTime = "25:00": expected a time of day from 00:00 to 23:59, as HH:MM');
    expect(message).toContain("voting-platform:aksZones");
    expect(attempt.resources).toEqual([]);
  });

  it("fails the stack on combinations AKS would refuse mid-update, before any resource is registered", async () => {
    const attempt = await attemptStack("dev-aks", {
      aksVirtualNodes: "true",
      aksAuthorizedIpRanges: JSON.stringify(["198.18.0.0/24"]),
      aksUpgradeChannel: "node-image",
      aksNodeOsUpgradeChannel: "None",
    });
    expect(attempt.error).toBeInstanceOf(ConfigError);
    const message = (attempt.error as Error).message;
    expect(message).toContain('voting-platform:aksVirtualNodes = "true": false while aksAuthorizedIpRanges is set');
    expect(message).toContain('voting-platform:aksUpgradeChannel = "node-image": none, patch, stable or rapid while aksNodeOsUpgradeChannel is None');
    expect(attempt.resources).toEqual([]);
  });
});
