import type { Mocks } from "@pulumi/pulumi/runtime/index.js";
import { beforeAll, describe, expect, it } from "vitest";
import { addonProfile } from "../../../components/azure/cluster-profile.js";
import { AksManagedCluster } from "../../../components/azure/cluster.js";
import { captureProgram, type Capture } from "../../../src/plan/capture.js";
import { createMocks } from "../../../src/plan/mocks/index.js";

const project = "voting-platform";
const stack = "cluster-test";

/** The plan's mocks, except that AKS reports its add-on keys lowercased, as it does after a portal edit. */
function lowercasedAddonKeys(): Mocks {
  const mocks = createMocks(project, stack);
  return {
    ...mocks,
    async newResource(args) {
      const result = await mocks.newResource(args);
      if (args.type !== "azure-native:containerservice:ManagedCluster") return result;
      const profiles = (result.state as { addonProfiles?: Record<string, unknown> }).addonProfiles ?? {};
      const lowered = Object.fromEntries(Object.entries(profiles).map(([key, value]) => [key.toLowerCase(), value]));
      return { ...result, state: { ...result.state, addonProfiles: lowered } };
    },
  };
}

const subnet = (name: string) => `/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/${name}`;

function cluster() {
  return new AksManagedCluster("aks", {
    resourceGroupName: "rg",
    location: "westeurope",
    clusterName: "aks-test",
    dnsPrefix: "test",
    subscriptionId: "00000000-0000-0000-0000-000000000001",
    deployerObjectId: "00000000-0000-0000-0000-000000000002",
    deployerPrincipalType: "User",
    nodeSubnetId: subnet("nodes"),
    workspaceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/log",
    containerInsightsRuleId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Insights/dataCollectionRules/MSCI-westeurope-aks-test",
    network: { serviceCidr: "10.0.0.0/16", dnsServiceIp: "10.0.0.10", overlay: false, policy: "azure", outbound: "loadBalancer" },
    systemPool: { count: 3, vmSize: "Standard_B2ms", zones: [], osDiskType: "Managed", maxPods: 30, maxSurge: "1", criticalAddonsOnly: false },
    virtualNodesSubnet: { id: subnet("aci"), name: "aci" },
  });
}

describe("AksManagedCluster with add-on keys in another casing", () => {
  let capture: Capture;
  beforeAll(async () => {
    capture = await captureProgram(
      async () => {
        const aks = cluster();
        return { addonKeys: aks.cluster.addonProfiles.apply((p) => Object.keys(p ?? {})) };
      },
      { project, stack, config: {}, mocks: lowercasedAddonKeys() },
    );
  });

  it("is run against keys that really differ from the ones sent", () => {
    expect(capture.outputs.addonKeys?.value).toEqual(expect.arrayContaining(["azurekeyvaultsecretsprovider", "aciconnectorlinux"]));
  });

  it("grants the ACI connector's own identity its network role, never an empty principal", () => {
    const role = capture.resources.find((r) => r.name === "aks-aci-connector-network");
    const cluster = capture.resources.find((r) => r.type === "azure-native:containerservice:ManagedCluster");
    const connector = (cluster?.outputs.addonProfiles as Record<string, { identity: { objectId: string } }>).aciconnectorlinux;
    expect(role?.inputs.principalId).toBe(connector?.identity.objectId);
    expect(role?.inputs.principalId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("AksManagedCluster without an ACI connector identity", () => {
  it("fails naming the add-on instead of assigning a role to nobody", async () => {
    const mocks = createMocks(project, stack);
    const withoutIdentity: Mocks = {
      ...mocks,
      async newResource(args) {
        const result = await mocks.newResource(args);
        if (args.type !== "azure-native:containerservice:ManagedCluster") return result;
        const profiles = (result.state as { addonProfiles: Record<string, Record<string, unknown>> }).addonProfiles;
        return { ...result, state: { ...result.state, addonProfiles: { ...profiles, aciConnectorLinux: { enabled: true } } } };
      },
    };
    await expect(captureProgram(async () => void cluster(), { project, stack, config: {}, mocks: withoutIdentity })).rejects.toThrow(
      /AksManagedCluster aks: AKS reported no aciConnectorLinux identity/,
    );
  });
});

describe("addonProfile", () => {
  it("finds a profile whatever the casing of its key, and nothing when it is missing", () => {
    const profiles = { omsAgent: { enabled: true }, azurekeyvaultsecretsprovider: { enabled: false } };
    expect(addonProfile(profiles, "omsagent")).toEqual({ enabled: true });
    expect(addonProfile(profiles, "azureKeyvaultSecretsProvider")).toEqual({ enabled: false });
    expect(addonProfile(profiles, "aciConnectorLinux")).toBeUndefined();
    expect(addonProfile(undefined, "omsagent")).toBeUndefined();
  });
});
