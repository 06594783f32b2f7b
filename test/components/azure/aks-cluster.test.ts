import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { controlPlaneLogCategories, roles } from "../../../components/azure/naming.js";
import { captureStack, type Capture, type CapturedResource } from "../../../src/plan/capture.js";
import { all, one } from "../../support/capture-helpers.js";
import { mockUuid } from "../../../src/plan/mocks/azure.js";


function byUrn(capture: Capture, urn: string | undefined): CapturedResource {
  const found = capture.resources.find((r) => r.urn === urn);
  if (!found) throw new Error(`no resource ${urn}`);
  return found;
}

type Inputs = Record<string, unknown>;
const at = (value: unknown, key: string): unknown => (value as Inputs | undefined)?.[key];

const managedCluster = "azure-native:containerservice:ManagedCluster";
const roleAssignment = "azure-native:authorization:RoleAssignment";

let dev: Capture;
let prod: Capture;
/**
 * dev with the optional features on: virtual nodes, a user pool, a user-assigned identity, a private API;
 * and without the stack file's zones, as in a region that has none.
 */
let options: Capture;
/** What `pulumi.log.warn` said while each stack ran. */
const warnings: Record<"dev" | "prod", string[]> = { dev: [], prod: [] };

beforeAll(async () => {
  const warn = vi.spyOn(pulumi.log, "warn").mockResolvedValue(undefined);
  dev = await captureStack("dev-aks");
  warnings.dev = warn.mock.calls.map(([message]) => message);
  warn.mockClear();
  prod = await captureStack("prod-aks", {}, { offline: true });
  warnings.prod = warn.mock.calls.map(([message]) => message);
  warn.mockRestore();
  options = await captureStack("dev-aks", {
    aksVirtualNodes: "true",
    aksControlPlaneIdentity: "UserAssigned",
    aksPrivateCluster: "true",
    aksAutoscaler: "true",
    aksZones: undefined,
    aksUserPools: JSON.stringify(["name=batch,vmSize=Standard_D2s_v5,count=1,minCount=0,maxCount=3", "name=fixed,vmSize=Standard_D2s_v5,count=2"]),
  });
});

function cluster(capture: Capture): CapturedResource {
  return one(capture, managedCluster);
}

function roleFor(capture: Capture, role: string): CapturedResource[] {
  return all(capture, roleAssignment).filter((r) => String(r.inputs.roleDefinitionId).endsWith(`/roleDefinitions/${role}`));
}

describe("AksCluster network", () => {
  it("creates the VNet and node subnet from config and puts the system pool on it", () => {
    expect(one(dev, "azure-native:network:VirtualNetwork").inputs.addressSpace).toEqual({ addressPrefixes: ["10.10.0.0/16"] });
    const subnet = one(dev, "azure-native:network:Subnet", "-network-nodes");
    expect(subnet.inputs.addressPrefix).toBe("10.10.0.0/20");
    const pool = (cluster(dev).inputs.agentPoolProfiles as Inputs[])[0];
    expect(pool?.vnetSubnetID).toBe(subnet.outputs.id ?? subnet.id);
  });

  it("uses flat Azure CNI in dev and the overlay in prod, both powered by Cilium; virtual nodes keep Azure NPM", () => {
    expect(cluster(dev).inputs.networkProfile).toMatchObject({
      networkPlugin: "azure",
      networkDataplane: "cilium",
      networkPolicy: "cilium",
      serviceCidr: "10.0.0.0/16",
      dnsServiceIP: "10.0.0.10",
    });
    expect(cluster(options).inputs.networkProfile).toMatchObject({ networkPolicy: "azure" });
    expect(at(cluster(options).inputs.networkProfile, "networkDataplane")).toBeUndefined();
    expect(at(cluster(dev).inputs.networkProfile, "networkPluginMode")).toBeUndefined();
    expect(cluster(prod).inputs.networkProfile).toMatchObject({
      networkPlugin: "azure",
      networkPluginMode: "overlay",
      podCidr: "10.244.0.0/16",
      networkPolicy: "cilium",
      networkDataplane: "cilium",
    });
  });

  it("puts virtual nodes on their own subnet delegated to ACI, and gives the connector its network role", () => {
    const subnet = one(options, "azure-native:network:Subnet", "-virtual-nodes");
    expect(subnet.inputs).toMatchObject({ addressPrefix: "10.10.16.0/24", delegations: [{ serviceName: "Microsoft.ContainerInstance/containerGroups" }] });
    expect(at(cluster(options).inputs.addonProfiles, "aciConnectorLinux")).toEqual({ enabled: true, config: { SubnetName: "snet-virtual-nodes" } });
    const aci = one(options, roleAssignment, "-aci-connector-network");
    expect(aci.inputs.scope).toBe(subnet.id);
    // Azure writes one VNet's subnets one at a time: the second waits for the first.
    expect(subnet.dependencies).toContain(one(options, "azure-native:network:Subnet", "-network-nodes").urn);
    expect(aci.inputs.roleDefinitionId).toMatch(new RegExp(`/roleDefinitions/${roles.networkContributor}$`));
    expect(all(dev, "azure-native:network:Subnet")).toHaveLength(1);
  });
});

describe("AksCluster system pool", () => {
  it("runs 3 VMSS nodes of Standard_B2ms in dev, one per zone of westeurope, without the autoscaler", () => {
    const pool = (cluster(dev).inputs.agentPoolProfiles as Inputs[])[0];
    expect(pool).toMatchObject({ name: "system", mode: "System", type: "VirtualMachineScaleSets", count: 3, vmSize: "Standard_B2ms", enableAutoScaling: false, osDiskType: "Managed", maxPods: 30, upgradeSettings: { maxSurge: "1" } });
    expect(pool?.availabilityZones).toEqual(["1", "2", "3"]);
    expect(pool?.nodeTaints).toBeUndefined();
    expect(cluster(dev).ignoreChanges).toEqual([]);
  });

  it("leaves zones out when a fork removes them for a region without zones", () => {
    expect((cluster(options).inputs.agentPoolProfiles as Inputs[])[0]?.availabilityZones).toBeUndefined();
  });

  it("spreads prod across zones 1-3 with the autoscaler, and leaves the count to it", () => {
    const pool = (cluster(prod).inputs.agentPoolProfiles as Inputs[])[0];
    expect(pool).toMatchObject({ vmSize: "Standard_D4s_v5", availabilityZones: ["1", "2", "3"], enableAutoScaling: true, minCount: 3, maxCount: 6 });
    expect(pool?.upgradeSettings).toEqual({ maxSurge: "33%" });
    expect(cluster(prod).ignoreChanges).toEqual(["agentPoolProfiles[0].count"]);
  });

  it("keeps the system pool to system pods in prod, where a user pool runs the app", () => {
    expect((cluster(prod).inputs.agentPoolProfiles as Inputs[])[0]?.nodeTaints).toEqual(["CriticalAddonsOnly=true:NoSchedule"]);
  });

  it("uses the Free tier in dev and Standard in prod", () => {
    expect(cluster(dev).inputs.sku).toEqual({ name: "Base", tier: "Free" });
    expect(cluster(prod).inputs.sku).toEqual({ name: "Base", tier: "Standard" });
  });
});

describe("AksCluster user pools", () => {
  it("creates each pool as its own AgentPool on the node subnet, never inline", () => {
    const pools = all(options, "azure-native:containerservice:AgentPool");
    expect(pools.map((p) => p.inputs.agentPoolName).sort()).toEqual(["batch", "fixed"]);
    expect(cluster(options).inputs.agentPoolProfiles).toHaveLength(1);
    const batch = one(options, "azure-native:containerservice:AgentPool", "-batch");
    expect(batch.inputs).toMatchObject({ mode: "User", type: "VirtualMachineScaleSets", enableAutoScaling: true, minCount: 0, maxCount: 3, resourceName: "aks-dev-aks" });
    // Sent explicitly: left out, AKS would pick an ephemeral OS disk wherever the size allows one.
    expect(batch.inputs.osDiskType).toBe("Managed");
    expect(batch.inputs.vnetSubnetID).toBe(one(options, "azure-native:network:Subnet", "-network-nodes").id);
  });

  it("ignores the count of autoscaled pools only", () => {
    expect(one(options, "azure-native:containerservice:AgentPool", "-batch").ignoreChanges).toEqual(["count"]);
    expect(one(options, "azure-native:containerservice:AgentPool", "-fixed").ignoreChanges).toEqual([]);
    expect(cluster(options).ignoreChanges).toEqual(["agentPoolProfiles[0].count"]);
  });

  it("deletes a pool before its replacement, which takes the same fixed name", () => {
    for (const pool of [...all(options, "azure-native:containerservice:AgentPool"), ...all(prod, "azure-native:containerservice:AgentPool")]) {
      expect(pool.deleteBeforeReplace, pool.name).toBe(true);
    }
  });

  it("runs the prod app pool across zones with the autoscaler", () => {
    expect(one(prod, "azure-native:containerservice:AgentPool").inputs).toMatchObject({ agentPoolName: "apps", vmSize: "Standard_D4s_v5", availabilityZones: ["1", "2", "3"], minCount: 3, maxCount: 9 });
  });
});

describe("AksCluster identity and access", () => {
  it("turns on the OIDC issuer and workload identity everywhere", () => {
    for (const capture of [dev, prod]) {
      expect(cluster(capture).inputs).toMatchObject({ oidcIssuerProfile: { enabled: true }, securityProfile: { workloadIdentity: { enabled: true } }, enableRBAC: true });
    }
    expect(String(dev.outputs.oidcIssuerUrl?.value)).toMatch(/^https:\/\/westeurope\.oic\.prod-aks\.azure\.com\//);
  });

  it("keeps local accounts in dev, and uses Entra ID with Azure RBAC and no local accounts in prod", () => {
    expect(cluster(dev).inputs.aadProfile).toBeUndefined();
    expect(cluster(dev).inputs.disableLocalAccounts).toBe(false);
    expect(cluster(prod).inputs.aadProfile).toEqual({ managed: true, enableAzureRBAC: true, adminGroupObjectIDs: [] });
    expect(cluster(prod).inputs.disableLocalAccounts).toBe(true);
  });

  it("grants the deployer AKS RBAC Cluster Admin on the cluster when Entra ID is on", () => {
    const [admin] = roleFor(prod, roles.aksRbacClusterAdmin);
    expect(admin?.inputs.scope).toBe(cluster(prod).id);
    expect(admin?.inputs.principalId).toBe(mockUuid("prod-aks/deployer/object"));
    expect(admin?.inputs.principalType).toBe("User");
    expect(roleFor(dev, roles.aksRbacClusterAdmin)).toEqual([]);
  });

  it("uses a system-assigned identity by default, or a user-assigned one granted its subnet role first", () => {
    expect(cluster(dev).inputs.identity).toEqual({ type: "SystemAssigned" });
    const identity = one(options, "azure-native:managedidentity:UserAssignedIdentity", "-cluster-identity");
    expect(cluster(options).inputs.identity).toEqual({ type: "UserAssigned", userAssignedIdentities: [identity.id] });
    const network = one(options, roleAssignment, "-identity-network");
    expect(network.inputs.principalId).toBe(identity.outputs.principalId);
    expect(cluster(options).dependencies).toContain(network.urn);
  });

  it("gives a user-assigned identity's new subnet role time to propagate before AKS checks it, and waits again for a new one", () => {
    const network = one(options, roleAssignment, "-identity-network");
    const wait = one(options, "time:index/sleep:Sleep");
    expect(wait.inputs).toMatchObject({ createDuration: "120s", triggers: { roleAssignmentId: network.id } });
    expect(wait.inputs.destroyDuration).toBeUndefined();
    expect(wait.dependencies).toContain(network.urn);
    expect(cluster(options).dependencies).toContain(wait.urn);
    // A system-assigned identity gets its role after the cluster exists: nothing to wait for.
    expect(all(dev, "time:index/sleep:Sleep")).toEqual([]);
  });

  it("warns in production while the API server accepts every address, and not where it is restricted", async () => {
    expect(warnings.prod.filter((message) => message.includes("any address"))).toEqual([]);
    const warn = vi.spyOn(pulumi.log, "warn").mockResolvedValue(undefined);
    await captureStack("prod-aks", { aksAuthorizedIpRanges: undefined, aksPrivateCluster: "true" });
    expect(warn.mock.calls.filter(([message]) => message.includes("any address"))).toEqual([]);
    warn.mockRestore();
  });

  it("restricts the prod API server to the configured ranges, or makes it private", () => {
    // The offline plan's example range, which a real pulumi up refuses.
    expect(cluster(prod).inputs.apiServerAccessProfile).toEqual({ authorizedIPRanges: ["203.0.113.0/24"] });
    expect(cluster(dev).inputs.apiServerAccessProfile).toEqual({});
    expect(cluster(options).inputs.apiServerAccessProfile).toEqual({ enablePrivateCluster: true });
  });
});

describe("AksCluster add-ons and operations", () => {
  it("wires Container Insights to the workspace with the exact key casing, signing in with its managed identity", () => {
    const workspace = one(dev, "azure-native:operationalinsights:Workspace");
    expect(at(cluster(dev).inputs.addonProfiles, "omsagent")).toEqual({ enabled: true, config: { logAnalyticsWorkspaceResourceID: workspace.id, useAADAuth: "true" } });
    expect(workspace.inputs).toMatchObject({ retentionInDays: 30, sku: { name: "PerGB2018" } });
    expect(one(prod, "azure-native:operationalinsights:Workspace").inputs.retentionInDays).toBe(90);
  });

  it("collects Container Insights through a data collection rule to the workspace, associated with the cluster", () => {
    const workspace = one(dev, "azure-native:operationalinsights:Workspace");
    const rule = one(dev, "azure-native:monitor:DataCollectionRule");
    expect(rule.inputs).toMatchObject({ dataCollectionRuleName: "MSCI-westeurope-aks-dev-aks", resourceGroupName: "rg-dev-aks", location: "westeurope", kind: "Linux" });
    expect(rule.inputs.dataSources).toEqual({
      extensions: [
        {
          name: "ContainerInsightsExtension",
          extensionName: "ContainerInsights",
          streams: ["Microsoft-ContainerInsights-Group-Default"],
          extensionSettings: { dataCollectionSettings: { interval: "1m", namespaceFilteringMode: "Off", enableContainerLogV2: true } },
        },
      ],
    });
    expect(rule.inputs.destinations).toEqual({ logAnalytics: [{ name: "ciworkspace", workspaceResourceId: workspace.id }] });
    expect(rule.inputs.dataFlows).toEqual([{ streams: ["Microsoft-ContainerInsights-Group-Default"], destinations: ["ciworkspace"] }]);
    const association = one(dev, "azure-native:monitor:DataCollectionRuleAssociation");
    expect(association.inputs).toMatchObject({ associationName: "ContainerInsightsExtension", resourceUri: cluster(dev).id, dataCollectionRuleId: rule.id });
    expect(association.dependencies).toEqual(expect.arrayContaining([cluster(dev).urn, rule.urn]));
  });

  it("no longer installs the legacy ContainerInsights solution, which worked by the workspace key", () => {
    expect(all(dev, "azure-native:operationsmanagement:Solution")).toEqual([]);
    expect(all(prod, "azure-native:operationsmanagement:Solution")).toEqual([]);
  });

  it("sends the control-plane logs to the workspace", () => {
    const diagnostics = one(dev, "azure-native:monitor:DiagnosticSetting");
    expect(diagnostics.inputs.resourceUri).toBe(cluster(dev).id);
    expect(diagnostics.inputs.workspaceId).toBe(one(dev, "azure-native:operationalinsights:Workspace").id);
    const categories = (diagnostics.inputs.logs as Inputs[]).map((l) => l.category);
    expect(categories).toEqual([...controlPlaneLogCategories]);
    expect(categories).toEqual(expect.arrayContaining(["kube-audit-admin", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "cluster-autoscaler", "guard"]));
  });

  it("turns on the Key Vault secrets provider with rotation", () => {
    expect(at(cluster(dev).inputs.addonProfiles, "azureKeyvaultSecretsProvider")).toEqual({ enabled: true, config: { enableSecretRotation: "true", rotationPollInterval: "2m" } });
  });

  it("turns on the Azure Policy add-on in prod only", () => {
    expect(at(cluster(prod).inputs.addonProfiles, "azurepolicy")).toEqual({ enabled: true });
    expect(at(cluster(dev).inputs.addonProfiles, "azurepolicy")).toEqual({ enabled: false });
  });

  it("sets upgrade channels and both maintenance windows from config", () => {
    expect(cluster(dev).inputs.autoUpgradeProfile).toEqual({ upgradeChannel: "patch", nodeOSUpgradeChannel: "NodeImage" });
    const windows = all(dev, "azure-native:containerservice:MaintenanceConfiguration");
    expect(windows.map((w) => w.inputs.configName).sort()).toEqual(["aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"]);
    for (const window of windows) {
      expect(window.inputs).toMatchObject({ resourceName: "aks-dev-aks", resourceGroupName: "rg-dev-aks" });
      expect(window.inputs.maintenanceWindow).toEqual({ schedule: { weekly: { dayOfWeek: "Sunday", intervalWeeks: 1 } }, startTime: "02:00", durationHours: 4, utcOffset: "+00:00" });
      expect(window.dependencies).toContain(cluster(dev).urn);
    }
  });
});

describe("AksRegistry", () => {
  it("creates a Basic registry in dev and a zone-redundant Premium one in prod, admin user off", () => {
    expect(one(dev, "azure-native:containerregistry:Registry").inputs).toMatchObject({ sku: { name: "Basic" }, adminUserEnabled: false, zoneRedundancy: "Disabled" });
    expect(one(prod, "azure-native:containerregistry:Registry").inputs).toMatchObject({ sku: { name: "Premium" }, adminUserEnabled: false, zoneRedundancy: "Enabled" });
  });

  it("grants AcrPull to the kubelet identity as a service principal", () => {
    const [pull] = roleFor(dev, roles.acrPull);
    const kubelet = at(at(cluster(dev).outputs.identityProfile, "kubeletidentity"), "objectId");
    expect(pull?.inputs).toMatchObject({ scope: one(dev, "azure-native:containerregistry:Registry").id, principalId: kubelet, principalType: "ServicePrincipal" });
    expect(pull?.inputs.roleDefinitionId).toMatch(/^\/subscriptions\/[0-9a-f-]{36}\/providers\/Microsoft\.Authorization\/roleDefinitions\/7f951dda-4ed3-4680-a7ca-43fe172d538d$/);
  });

  it("pushes with an ACR token limited to the push scope map, whose generated password is secret", () => {
    // prod builds its own front end image, so it pushes.
    const registry = one(prod, "azure-native:containerregistry:Registry");
    const token = one(prod, "azure-native:containerregistry:Token");
    expect(token.inputs).toMatchObject({ scopeMapId: `${registry.id}/scopeMaps/_repositories_push`, status: "enabled" });
    const password = one(prod, "pulumi-nodejs:dynamic:Resource", "-push-password");
    expect(password.inputs.tokenId).toBe(token.id);
    expect(password.secretInputs).toContain("accessToken");
    // A token re-created under the same id has a new creation date, and its password is generated anew.
    expect(password.inputs.tokenCreationDate).toBe(token.outputs.creationDate);
    expect(password.replaceOnChanges).toEqual(["tokenCreationDate"]);
    expect(password.dependencies).toContain(token.urn);
    expect(password.additionalSecretOutputs).toContain("password");
    expect(prod.outputs.registryLoginServer?.value).toBe(registry.outputs.loginServer);
  });

  it("makes no push token when the stack pushes no image", () => {
    const tokenOrPassword = (r: CapturedResource) =>
      r.type === "azure-native:containerregistry:Token" || (r.type === "pulumi-nodejs:dynamic:Resource" && r.inputs.tokenId !== undefined);
    expect(dev.resources.filter(tokenOrPassword)).toEqual([]);
  });
});

describe("AksKeyVault", () => {
  const vault = (c: Capture) => one(c, "azure-native:keyvault:Vault").inputs.properties as Inputs;

  it("uses RBAC authorization and soft delete everywhere, purge protection in prod only", () => {
    expect(vault(dev)).toMatchObject({ enableRbacAuthorization: true, enableSoftDelete: true, softDeleteRetentionInDays: 7, networkAcls: { defaultAction: "Allow", bypass: "AzureServices" } });
    expect(vault(dev)).not.toHaveProperty("enablePurgeProtection");
    expect(vault(prod)).toMatchObject({ enableRbacAuthorization: true, softDeleteRetentionInDays: 90, enablePurgeProtection: true });
  });

  it("lets only the app's workload identity read secrets, never the identity every node carries", () => {
    for (const capture of [dev, prod]) {
      const reader = one(capture, "azure-native:managedidentity:UserAssignedIdentity", "-secrets-reader-identity");
      const users = roleFor(capture, roles.keyVaultSecretsUser);
      expect(users.map((u) => u.inputs)).toEqual([
        expect.objectContaining({ scope: one(capture, "azure-native:keyvault:Vault").id, principalId: reader.outputs.principalId, principalType: "ServicePrincipal" }),
      ]);
      const addon = at(at(cluster(capture).outputs.addonProfiles, "azureKeyvaultSecretsProvider"), "identity");
      expect(all(capture, roleAssignment).filter((r) => r.inputs.principalId === at(addon, "objectId"))).toEqual([]);
    }
  });

  it("federates that identity with the app's one ServiceAccount through the cluster's OIDC issuer", () => {
    const federation = one(dev, "azure-native:managedidentity:FederatedIdentityCredential");
    expect(federation.inputs).toMatchObject({
      resourceName: one(dev, "azure-native:managedidentity:UserAssignedIdentity", "-secrets-reader-identity").outputs.name,
      issuer: at(cluster(dev).outputs.oidcIssuerProfile, "issuerURL"),
      subject: "system:serviceaccount:vote:secrets-reader",
      audiences: ["api://AzureADTokenExchange"],
    });
  });

  it("has the SecretProviderClass read with that identity, and the pods that mount it run as its ServiceAccount", () => {
    const reader = one(dev, "azure-native:managedidentity:UserAssignedIdentity", "-secrets-reader-identity");
    const spc = one(dev, "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass");
    const parameters = at(spc.inputs.spec, "parameters") as Inputs;
    expect(parameters).toMatchObject({ usePodIdentity: "false", clientID: reader.outputs.clientId, keyvaultName: one(dev, "azure-native:keyvault:Vault").outputs.name });
    expect(parameters).not.toHaveProperty("useVMManagedIdentity");
    expect(parameters).not.toHaveProperty("userAssignedIdentityID");
    const account = one(dev, "kubernetes:core/v1:ServiceAccount");
    expect(account.inputs).toMatchObject({ metadata: { name: "secrets-reader", namespace: "vote" }, automountServiceAccountToken: false });
    for (const type of ["kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:Deployment"]) {
      const spec = at(at(one(dev, type).inputs.spec, "template"), "spec") as Inputs;
      expect(spec.serviceAccountName, type).toBe("secrets-reader");
      expect(spec.automountServiceAccountToken, type).toBe(false);
    }
  });

  it("grants exactly the roles the platform needs, each to its principal on its scope", () => {
    const subnet = (c: Capture, suffix: string) => one(c, "azure-native:network:Subnet", suffix).id;
    const assignments = (c: Capture) =>
      all(c, roleAssignment)
        .map((r) => `${String(r.inputs.roleDefinitionId).split("/").pop()} ${String(r.inputs.principalId)} ${String(r.inputs.scope)}`)
        .sort();
    const expected = (c: Capture, extra: string[]) => {
      const kubelet = at(at(cluster(c).outputs.identityProfile, "kubeletidentity"), "objectId");
      const reader = one(c, "azure-native:managedidentity:UserAssignedIdentity", "-secrets-reader-identity").outputs.principalId;
      const vault = one(c, "azure-native:keyvault:Vault").id;
      return [
        `${roles.acrPull} ${String(kubelet)} ${String(one(c, "azure-native:containerregistry:Registry").id)}`,
        `${roles.keyVaultSecretsUser} ${String(reader)} ${String(vault)}`,
        `${roles.keyVaultSecretsOfficer} ${mockUuid(`${c.stack}/deployer/object`)} ${String(vault)}`,
        ...extra,
      ].sort();
    };
    const systemIdentity = (c: Capture) => String(at(cluster(c).outputs.identity, "principalId"));
    expect(assignments(dev)).toEqual(expected(dev, [`${roles.networkContributor} ${systemIdentity(dev)} ${String(subnet(dev, "-network-nodes"))}`]));
    expect(assignments(prod)).toEqual(
      expected(prod, [
        `${roles.networkContributor} ${systemIdentity(prod)} ${String(subnet(prod, "-network-nodes"))}`,
        `${roles.aksRbacClusterAdmin} ${mockUuid("prod-aks/deployer/object")} ${String(cluster(prod).id)}`,
      ]),
    );
    const controlPlane = one(options, "azure-native:managedidentity:UserAssignedIdentity", "-cluster-identity").outputs.principalId;
    const connector = at(at(at(cluster(options).outputs.addonProfiles, "aciConnectorLinux"), "identity"), "objectId");
    expect(assignments(options)).toEqual(
      expected(options, [
        `${roles.networkContributor} ${String(controlPlane)} ${String(subnet(options, "-network-nodes"))}`,
        `${roles.networkContributor} ${String(connector)} ${String(subnet(options, "-network-virtual-nodes"))}`,
      ]),
    );
  });

  it("stores the Redis password as a secret", () => {
    const secret = one(dev, "azure-native:keyvault:Secret");
    expect(secret.inputs).toMatchObject({ secretName: "redis-password", vaultName: one(dev, "azure-native:keyvault:Vault").outputs.name });
    expect(secret.secretInputs).toContain("properties.value");
    expect(one(dev, "random:index/randomPassword:RandomPassword").inputs).toMatchObject({ length: 32, special: false });
  });

  it("gives the deployer Key Vault Secrets Officer on the vault, which destroy deletes the secret with", () => {
    for (const capture of [dev, prod]) {
      const vault = one(capture, "azure-native:keyvault:Vault");
      const officer = roleFor(capture, roles.keyVaultSecretsOfficer);
      expect(officer).toHaveLength(1);
      // A user, as the deployer's token says: azure-native would send User for anyone, which ARM refuses for a service principal.
      expect(officer[0]?.inputs).toMatchObject({ scope: vault.id, principalId: mockUuid(`${capture.stack}/deployer/object`), principalType: "User" });
    }
  });

  it("writes the secret once that role works on the vault's data plane, and deletes it while it still does", () => {
    for (const capture of [dev, prod]) {
      const secret = one(capture, "azure-native:keyvault:Secret");
      const officer = roleFor(capture, roles.keyVaultSecretsOfficer)[0];
      const wait = capture.resources.find((r) => r.type === "pulumi-nodejs:dynamic:Resource" && r.inputs.roleAssignmentId !== undefined);
      expect(wait?.inputs).toMatchObject({ vaultUri: one(capture, "azure-native:keyvault:Vault").outputs.properties && at(one(capture, "azure-native:keyvault:Vault").outputs.properties, "vaultUri"), roleAssignmentId: officer?.id });
      // The wait signs in to the data plane, not to ARM, with a token kept secret.
      expect(wait?.secretInputs).toContain("accessToken");
      expect(capture.invokes).toContainEqual({ token: "azure-native:authorization:getClientToken", inputs: { endpoint: "https://vault.azure.net" } });
      expect(wait?.dependencies).toContain(officer?.urn);
      expect(secret.dependencies).toContain(wait?.urn);
    }
  });
});

describe("storage for Redis", () => {
  const storageClass = "kubernetes:storage.k8s.io/v1:StorageClass";
  const claimClass = (c: Capture) =>
    ((one(c, "kubernetes:apps/v1:StatefulSet").inputs.spec as Inputs).volumeClaimTemplates as { spec: { storageClassName?: string } }[])[0]?.spec.storageClassName;

  it("gives Redis a zone-redundant disk where the pools span zones, Standard SSD in dev and Premium in prod", () => {
    for (const [c, sku] of [[dev, "StandardSSD_ZRS"], [prod, "Premium_ZRS"]] as const) {
      const zrs = one(c, storageClass);
      expect(zrs.inputs).toMatchObject({
        metadata: { name: "managed-csi-zrs" },
        provisioner: "disk.csi.azure.com",
        parameters: { skuName: sku },
        volumeBindingMode: "WaitForFirstConsumer",
        reclaimPolicy: "Delete",
      });
      expect(claimClass(c)).toBe("managed-csi-zrs");
      // Created before the claims that name it, deleted after them.
      expect(one(c, "kubernetes:apps/v1:StatefulSet").dependencies).toContain(zrs.urn);
    }
  });

  it("keeps AKS's zonal class where the pools have no zones", () => {
    expect(all(options, storageClass)).toEqual([]);
    expect(claimClass(options)).toBe("managed-csi");
  });

  it("keeps it too, with a warning, in a region without zone-redundant disks", async () => {
    const warn = vi.spyOn(pulumi.log, "warn").mockResolvedValue(undefined);
    const elsewhere = await captureStack("dev-aks", { "azure-native:location": "westcentralus" });
    const said = warn.mock.calls.map(([message]) => message);
    warn.mockRestore();
    expect(all(elsewhere, storageClass)).toEqual([]);
    expect(claimClass(elsewhere)).toBe("managed-csi");
    expect(said).toContainEqual(expect.stringMatching(/westcentralus offers no zone-redundant managed disks/));
  });
});

describe("AksStorage", () => {
  it("is off unless asked for, since nothing on the platform uses it", () => {
    expect(all(dev, "azure-native:storage:StorageAccount")).toEqual([]);
    expect(all(prod, "azure-native:storage:StorageAccount")).toEqual([]);
  });

  it("locks the account down: HTTPS and TLS 1.2 only, no public blobs, no shared keys", async () => {
    const withStorage = await captureStack("dev-aks", { aksStorageAccount: "true" });
    const prodStorage = await captureStack("prod-aks", { aksStorageAccount: "true" }, { offline: true });
    expect(one(withStorage, "azure-native:storage:StorageAccount").inputs).toMatchObject({
      kind: "StorageV2",
      sku: { name: "Standard_LRS" },
      enableHttpsTrafficOnly: true,
      minimumTlsVersion: "TLS1_2",
      allowBlobPublicAccess: false,
      allowSharedKeyAccess: false,
    });
    expect(one(prodStorage, "azure-native:storage:StorageAccount").inputs.sku).toEqual({ name: "Standard_ZRS" });
  });
});

describe("AksClusterAccess", () => {
  it("builds the provider from the user kubeconfig of the cluster, kept secret", () => {
    const provider = one(dev, "pulumi:providers:kubernetes");
    expect(provider.secretInputs).toContain("kubeconfig");
    expect(provider.inputs).toMatchObject({ enableServerSideApply: "true", deleteUnreachable: "true" });
    const kubeconfig = parse(String(provider.inputs.kubeconfig)) as { clusters: { cluster: { server: string } }[] };
    expect(kubeconfig.clusters[0]?.cluster.server).toMatch(/^https:\/\/dev-aks-[0-9a-f]+\.hcp\.westeurope\.azmk8s\.io:443$/);
    expect(dev.outputs.kubeconfig?.secret).toBe(true);
  });

  it("reads credentials by resource group and cluster name only", () => {
    const invoke = dev.invokes.find((i) => i.token === "azure-native:containerservice:listManagedClusterUserCredentials");
    expect(invoke?.inputs).toEqual({ resourceGroupName: "rg-dev-aks", resourceName: "aks-dev-aks" });
  });

  it("uses kubelogin with a non-interactive sign-in in prod, and keeps the provider's resources when unreachable", () => {
    const invoke = prod.invokes.find((i) => i.token === "azure-native:containerservice:listManagedClusterUserCredentials");
    expect(invoke?.inputs).toMatchObject({ format: "exec" });
    const provider = one(prod, "pulumi:providers:kubernetes");
    const kubeconfig = parse(String(provider.inputs.kubeconfig)) as { users: { user: { exec: { command: string; args: string[] } } }[] };
    const exec = kubeconfig.users[0]?.user.exec;
    expect(exec?.command).toBe("kubelogin");
    expect(exec?.args).toEqual(["get-token", "--login", "azurecli", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"]);
    expect(provider.inputs.deleteUnreachable).toBe("false");
  });

  it("makes the provider wait for the deployer's cluster role with Entra ID, so no object meets a 403", () => {
    const [admin] = roleFor(prod, roles.aksRbacClusterAdmin);
    const provider = one(prod, "pulumi:providers:kubernetes");
    expect(admin).toBeDefined();
    expect(provider.dependencies).toContain(admin?.urn);
    const devProvider = one(dev, "pulumi:providers:kubernetes");
    expect(devProvider.dependencies.filter((urn) => urn.includes("RoleAssignment"))).toEqual([]);
  });
});

describe("AksCluster composition", () => {
  it("protects the cluster, registry, vault and workspace in prod only", () => {
    const stateful = [managedCluster, "azure-native:containerregistry:Registry", "azure-native:keyvault:Vault", "azure-native:operationalinsights:Workspace"];
    for (const type of stateful) {
      expect(one(prod, type).protect, type).toBe(true);
      expect(one(dev, type).protect, type).toBe(false);
    }
    expect(captureProtect(prod)).toEqual(stateful.sort());
  });

  it("parents every Azure resource under a component named from the AksCluster's name", () => {
    const root = one(dev, "voting-platform:azure:AksCluster");
    for (const resource of dev.resources.filter((r) => r.type.startsWith("azure-native:") || r.type.startsWith("voting-platform:azure:"))) {
      if (resource === root) continue;
      expect(resource.name.startsWith(`${root.name}-`), resource.name).toBe(true);
      let parent = byUrn(dev, resource.parent);
      while (parent !== root) parent = byUrn(dev, parent.parent);
    }
  });

  it("has every Azure component register its outputs", () => {
    for (const capture of [dev, prod, options]) {
      for (const component of capture.resources.filter((r) => r.type.startsWith("voting-platform:azure:"))) {
        expect(component.registeredOutputs, component.name).toBeDefined();
      }
    }
  });

  it("publishes the platform outputs", () => {
    expect(dev.outputs.resourceGroupName?.value).toBe("rg-dev-aks");
    expect(dev.outputs.clusterName?.value).toBe("aks-dev-aks");
    expect(String(dev.outputs.keyVaultUri?.value)).toMatch(/^https:\/\/kvdevaks[a-z0-9]{6}\.vault\.azure\.net\/$/);
    expect(dev.outputs.workspaceId?.value).toBe(one(dev, "azure-native:operationalinsights:Workspace").id);
  });

  it("makes the app's workloads wait for the cluster, its pools and the roles they need", () => {
    const provider = one(prod, "pulumi:providers:kubernetes");
    const workloads = prod.resources.filter((r) => r.provider === provider.urn && r.type === "kubernetes:apps/v1:Deployment");
    expect(workloads.length).toBeGreaterThan(0);
    const needed = [
      cluster(prod),
      one(prod, "azure-native:containerservice:AgentPool"),
      ...roleFor(prod, roles.acrPull),
      ...roleFor(prod, roles.keyVaultSecretsUser),
      ...roleFor(prod, roles.aksRbacClusterAdmin),
      one(prod, "azure-native:keyvault:Secret"),
    ];
    for (const workload of workloads) {
      for (const resource of needed) expect(workload.dependencies, `${workload.name} -> ${resource.name}`).toContain(resource.urn);
    }
  });
});

function captureProtect(capture: Capture): string[] {
  return capture.resources.filter((r) => r.protect).map((r) => r.type).sort();
}
