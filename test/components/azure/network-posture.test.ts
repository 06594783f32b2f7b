import { beforeAll, describe, expect, it } from "vitest";
import { captureStack, type Capture, type CapturedResource } from "../../../src/plan/capture.js";

/**
 * The prod stack's private data plane and controlled egress, against dev, which keeps the public
 * defaults; what Azure accepts for each is cited in docs/architecture.md (Production network posture).
 */
let dev: Capture;
/** prod with a storage account, so that its blob endpoint is made too; and with the deployer's own addresses. */
let prod: Capture;

beforeAll(async () => {
  dev = await captureStack("dev-aks");
  prod = await captureStack("prod-aks", { aksStorageAccount: "true", aksDeployerIpRanges: JSON.stringify(["20.50.1.7/32"]) }, { offline: true });
});

type Inputs = Record<string, unknown>;
const all = (capture: Capture, type: string) => capture.resources.filter((r) => r.type === type);
function one(capture: Capture, type: string): CapturedResource {
  const found = all(capture, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0] as CapturedResource;
}
const idOf = (r: CapturedResource) => r.outputs.id ?? r.id;
const subnet = (capture: Capture, name: string) => all(capture, "azure-native:network:Subnet").find((s) => s.inputs.subnetName === name);
const properties = (r: CapturedResource) => r.inputs.properties as Inputs;

describe("private endpoints (prod)", () => {
  it("puts Key Vault, ACR and blob storage behind private endpoints on their own subnet, each in its privatelink zone", () => {
    const endpointSubnet = subnet(prod, "snet-private-endpoints");
    expect(endpointSubnet?.inputs.addressPrefix).toBe("10.10.17.0/24");
    const vault = one(prod, "azure-native:keyvault:Vault");
    const registry = one(prod, "azure-native:containerregistry:Registry");
    const storage = one(prod, "azure-native:storage:StorageAccount");
    const endpoints = all(prod, "azure-native:network:PrivateEndpoint").map((e) => {
      const [connection] = e.inputs.privateLinkServiceConnections as Inputs[];
      return { subnet: (e.inputs.subnet as Inputs).id, target: connection?.privateLinkServiceId, groups: connection?.groupIds };
    });
    expect(endpoints).toEqual(
      expect.arrayContaining([
        { subnet: endpointSubnet && idOf(endpointSubnet), target: idOf(vault), groups: ["vault"] },
        { subnet: endpointSubnet && idOf(endpointSubnet), target: idOf(registry), groups: ["registry"] },
        { subnet: endpointSubnet && idOf(endpointSubnet), target: idOf(storage), groups: ["blob"] },
      ]),
    );
    expect(endpoints).toHaveLength(3);
    const zones = all(prod, "azure-native:privatedns:PrivateZone").map((z) => [z.inputs.privateZoneName, z.inputs.location]);
    expect(zones.sort()).toEqual([
      ["privatelink.azurecr.io", "global"],
      ["privatelink.blob.core.windows.net", "global"],
      ["privatelink.vaultcore.azure.net", "global"],
    ]);
  });

  it("links each zone to the VNet without auto-registration, and registers each endpoint's records in its zone", () => {
    const vnet = one(prod, "azure-native:network:VirtualNetwork");
    for (const link of all(prod, "azure-native:privatedns:VirtualNetworkLink")) {
      expect(link.inputs).toMatchObject({ location: "global", registrationEnabled: false, virtualNetwork: { id: idOf(vnet) } });
    }
    const zoneIds = all(prod, "azure-native:privatedns:PrivateZone").map(idOf);
    const groups = all(prod, "azure-native:network:PrivateDnsZoneGroup");
    expect(groups).toHaveLength(3);
    for (const group of groups) {
      const [config] = group.inputs.privateDnsZoneConfigs as Inputs[];
      expect(zoneIds).toContain(config?.privateDnsZoneId);
    }
  });

  it("shuts the storage account's public access, which the program never writes to", () => {
    expect(one(prod, "azure-native:storage:StorageAccount").inputs).toMatchObject({ publicNetworkAccess: "Disabled", networkRuleSet: { defaultAction: "Deny" } });
  });

  it("shuts the vault and registry to the internet but for the deployer's own addresses, so pulumi up can write and push", () => {
    expect(properties(one(prod, "azure-native:keyvault:Vault"))).toMatchObject({
      publicNetworkAccess: "Enabled",
      networkAcls: { defaultAction: "Deny", bypass: "AzureServices", ipRules: [{ value: "20.50.1.7/32" }] },
    });
    expect(one(prod, "azure-native:containerregistry:Registry").inputs).toMatchObject({
      sku: { name: "Premium" },
      publicNetworkAccess: "Enabled",
      networkRuleSet: { defaultAction: "Deny", ipRules: [{ action: "Allow", iPAddressOrRange: "20.50.1.7/32" }] },
    });
  });

  it("pushes the image only once the registry lets the deployer in", () => {
    const probe = prod.resources.find((r) => r.type === "pulumi-nodejs:dynamic:Resource" && r.name.endsWith("-registry-deployer-access"));
    expect(probe?.inputs.allowedIpRanges).toBeDefined();
    const image = one(prod, "docker-build:index:Image");
    const waits = (r: CapturedResource): boolean => r.dependencies.some((urn) => urn === probe?.urn || waits(prod.resources.find((x) => x.urn === urn) as CapturedResource));
    expect(waits(image)).toBe(true);
  });

  it("leaves dev's vault and registry public, with no endpoints and no zones", () => {
    expect(all(dev, "azure-native:network:PrivateEndpoint")).toEqual([]);
    expect(all(dev, "azure-native:privatedns:PrivateZone")).toEqual([]);
    expect(properties(one(dev, "azure-native:keyvault:Vault"))).toMatchObject({ publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "Allow" } });
    expect(one(dev, "azure-native:containerregistry:Registry").inputs.networkRuleSet).toBeUndefined();
  });
});

describe("network security groups (prod)", () => {
  it("puts a group on every subnet but the delegated gateway's, the node one admitting only HTTP and HTTPS from the internet", () => {
    const groups = all(prod, "azure-native:network:NetworkSecurityGroup");
    const byId = new Map(groups.map((g) => [idOf(g), g]));
    const nodes = subnet(prod, "snet-nodes");
    const nodeGroup = byId.get((nodes?.inputs.networkSecurityGroup as Inputs | undefined)?.id as string);
    const inbound = (nodeGroup?.inputs.securityRules as Inputs[]).filter((r) => r.direction === "Inbound" && r.access === "Allow");
    expect(inbound.map((r) => [r.sourceAddressPrefix, r.protocol, r.destinationPortRanges])).toEqual([["Internet", "Tcp", ["80", "443"]]]);
    const endpoints = subnet(prod, "snet-private-endpoints");
    expect(byId.get((endpoints?.inputs.networkSecurityGroup as Inputs | undefined)?.id as string)?.inputs.securityRules).toEqual([]);
  });

  it("adds none in dev", () => {
    expect(all(dev, "azure-native:network:NetworkSecurityGroup")).toEqual([]);
    expect(subnet(dev, "snet-nodes")?.inputs.networkSecurityGroup).toBeUndefined();
  });
});

describe("egress (prod)", () => {
  it("sends the cluster out through a Standard NAT gateway with one static IP on the node subnet, AKS's userAssignedNATGateway", () => {
    const ip = one(prod, "azure-native:network:PublicIPAddress");
    expect(ip.inputs).toMatchObject({ sku: { name: "Standard" }, publicIPAllocationMethod: "Static" });
    const nat = one(prod, "azure-native:network:NatGateway");
    expect(nat.inputs).toMatchObject({ sku: { name: "Standard" }, publicIpAddresses: [{ id: idOf(ip) }] });
    expect(subnet(prod, "snet-nodes")?.inputs.natGateway).toEqual({ id: idOf(nat) });
    const cluster = one(prod, "azure-native:containerservice:ManagedCluster");
    expect((cluster.inputs.networkProfile as Inputs).outboundType).toBe("userAssignedNATGateway");
  });

  it("publishes the NAT gateway's address as the egressIp output, for others to allowlist", () => {
    expect(prod.outputs.egressIp?.value).toBe(one(prod, "azure-native:network:PublicIPAddress").outputs.ipAddress);
    expect(prod.outputs.egressIp?.value).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  });

  it("keeps dev on the load balancer's SNAT, with no NAT gateway and no egressIp", () => {
    expect(all(dev, "azure-native:network:NatGateway")).toEqual([]);
    expect((one(dev, "azure-native:containerservice:ManagedCluster").inputs.networkProfile as Inputs).outboundType).toBe("loadBalancer");
    expect(dev.outputs.egressIp).toBeUndefined();
  });
});
