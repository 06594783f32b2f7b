import { describe, expect, it } from "vitest";
import { addonProfiles, maintenanceWindow, networkProfile, systemPoolProfile } from "../../../components/azure/cluster-profile.js";
import { containerInsightsRuleName, dnsLabelDomain, globalName, roleDefinitionId, roles } from "../../../components/azure/naming.js";

describe("globalName", () => {
  it("fits each kind's limits with the suffix kept whole", () => {
    expect(globalName("registry", "dev-aks", "ab12cd")).toBe("acrdevaksab12cd");
    expect(globalName("vault", "a-very-long-stack-name", "ab12cd")).toBe("kvaverylongstacknaab12cd");
    expect(globalName("vault", "a-very-long-stack-name", "ab12cd")).toHaveLength(24);
    expect(globalName("storage", "Prod-AKS-West-Europe-1", "AB12CD")).toMatch(/^st[a-z0-9]+ab12cd$/);
    expect(globalName("storage", "Prod-AKS-West-Europe-1", "AB12CD").length).toBeLessThanOrEqual(24);
  });

  it("rejects a suffix that cannot make the name unique", () => {
    expect(() => globalName("registry", "dev", "x")).toThrow(/suffix must be 4-8/);
  });
});

describe("Azure ids", () => {
  it("builds full role definition ids for built-in roles", () => {
    expect(roleDefinitionId("00000000-0000-0000-0000-000000000001", roles.acrPull)).toBe(
      "/subscriptions/00000000-0000-0000-0000-000000000001/providers/Microsoft.Authorization/roleDefinitions/7f951dda-4ed3-4680-a7ca-43fe172d538d",
    );
    expect(roles).toMatchObject({
      keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
      aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
    });
    expect(dnsLabelDomain("westeurope")).toBe("westeurope.cloudapp.azure.com");
  });

  it("names Container Insights' rule as Azure's onboarding does, within 64 characters", () => {
    expect(containerInsightsRuleName("westeurope", "aks-dev-aks")).toBe("MSCI-westeurope-aks-dev-aks");
    expect(containerInsightsRuleName("southeastasia", `aks-${"x".repeat(60)}`)).toHaveLength(64);
  });
});

describe("cluster profiles", () => {
  const pool = { count: 3, vmSize: "Standard_B2ms", zones: [] as string[], osDiskType: "Managed" as const, maxPods: 30, maxSurge: "1", criticalAddonsOnly: false };

  it("runs Cilium as both dataplane and policy engine, on flat CNI's node subnet or the overlay", () => {
    expect(networkProfile({ serviceCidr: "10.0.0.0/16", dnsServiceIp: "10.0.0.10", overlay: false, policy: "cilium", outbound: "loadBalancer" })).toMatchObject({
      networkPlugin: "azure",
      networkDataplane: "cilium",
      networkPolicy: "cilium",
    });
    expect(networkProfile({ serviceCidr: "10.0.0.0/16", dnsServiceIp: "10.0.0.10", overlay: false, policy: "cilium", outbound: "loadBalancer" })).not.toHaveProperty("networkPluginMode");
    expect(networkProfile({ serviceCidr: "10.0.0.0/16", dnsServiceIp: "10.0.0.10", overlay: false, policy: "azure", outbound: "loadBalancer" })).not.toHaveProperty("networkDataplane");
  });

  it("leaves zones out rather than sending an empty list", () => {
    expect(systemPoolProfile(pool, "subnet-id").availabilityZones).toBeUndefined();
    expect(systemPoolProfile({ ...pool, zones: ["1", "2"] }, "subnet-id").availabilityZones).toEqual(["1", "2"]);
  });

  it("adds the ACI connector only with a virtual nodes subnet", () => {
    expect(addonProfiles({ workspaceId: "ws", secretRotationInterval: "2m", azurePolicy: false })).not.toHaveProperty("aciConnectorLinux");
    expect(addonProfiles({ workspaceId: "ws", secretRotationInterval: "2m", azurePolicy: false, virtualNodesSubnetName: "aci" }).aciConnectorLinux).toEqual({
      enabled: true,
      config: { SubnetName: "aci" },
    });
  });

  it("rejects maintenance windows that are not a time of day or out of range", () => {
    const window = { day: "Sunday", startTime: "02:00", durationHours: 4, utcOffset: "+00:00" };
    expect(() => maintenanceWindow({ ...window, startTime: "25:00" })).toThrow(/startTime must be HH:MM/);
    expect(() => maintenanceWindow({ ...window, durationHours: 3 })).toThrow(/durationHours must be an integer from 4 to 24/);
  });
});
