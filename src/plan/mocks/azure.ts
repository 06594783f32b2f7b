import { createHash } from "node:crypto";
import type { Inputs, MockContext, MockModule } from "./types.js";

/**
 * azure-native resources come back as ARM returns them: full resource ids, the name given or an
 * auto-name (the logical name plus a random suffix, as the provider generates it), and the read-only
 * properties the program reads: identities, endpoints, the OIDC issuer, workspace ids.
 */

function record(value: unknown): Inputs {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Inputs) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A repeatable UUID for a seed, in the shape Entra ID and ARM use. */
export function mockUuid(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const subscriptionId = (ctx: MockContext) => mockUuid(`${ctx.stack}/subscription`);
const tenantId = (ctx: MockContext) => mockUuid(`${ctx.stack}/tenant`);

/** ARM type, the input that carries the name, and whether auto-names drop hyphens (global DNS names). */
const armTypes: Record<string, { arm: string; nameInput: string; compact?: boolean }> = {
  "azure-native:network:VirtualNetwork": { arm: "Microsoft.Network/virtualNetworks", nameInput: "virtualNetworkName" },
  "azure-native:operationalinsights:Workspace": { arm: "Microsoft.OperationalInsights/workspaces", nameInput: "workspaceName" },
  "azure-native:monitor:DataCollectionRule": { arm: "Microsoft.Insights/dataCollectionRules", nameInput: "dataCollectionRuleName" },
  "azure-native:containerservice:ManagedCluster": { arm: "Microsoft.ContainerService/managedClusters", nameInput: "resourceName" },
  "azure-native:containerregistry:Registry": { arm: "Microsoft.ContainerRegistry/registries", nameInput: "registryName", compact: true },
  "azure-native:keyvault:Vault": { arm: "Microsoft.KeyVault/vaults", nameInput: "vaultName" },
  "azure-native:storage:StorageAccount": { arm: "Microsoft.Storage/storageAccounts", nameInput: "accountName", compact: true },
  "azure-native:managedidentity:UserAssignedIdentity": { arm: "Microsoft.ManagedIdentity/userAssignedIdentities", nameInput: "resourceName" },
  "azure-native:network:NetworkSecurityGroup": { arm: "Microsoft.Network/networkSecurityGroups", nameInput: "networkSecurityGroupName" },
  "azure-native:network:NatGateway": { arm: "Microsoft.Network/natGateways", nameInput: "natGatewayName" },
  "azure-native:network:PublicIPAddress": { arm: "Microsoft.Network/publicIPAddresses", nameInput: "publicIpAddressName" },
  "azure-native:network:PrivateEndpoint": { arm: "Microsoft.Network/privateEndpoints", nameInput: "privateEndpointName" },
  "azure-native:privatedns:PrivateZone": { arm: "Microsoft.Network/privateDnsZones", nameInput: "privateZoneName" },
  "azure-native:servicenetworking:TrafficControllerInterface": { arm: "Microsoft.ServiceNetworking/trafficControllers", nameInput: "trafficControllerName" },
  "azure-native:cdn:Profile": { arm: "Microsoft.Cdn/profiles", nameInput: "profileName" },
};

/** Child resources: the parent's name input, the parent's ARM type, and the child's segment. */
const childTypes: Record<string, { parentInput: string; parentArm: string; segment: string; nameInput: string }> = {
  "azure-native:network:Subnet": { parentInput: "virtualNetworkName", parentArm: "Microsoft.Network/virtualNetworks", segment: "subnets", nameInput: "subnetName" },
  "azure-native:containerservice:AgentPool": { parentInput: "resourceName", parentArm: "Microsoft.ContainerService/managedClusters", segment: "agentPools", nameInput: "agentPoolName" },
  "azure-native:containerservice:MaintenanceConfiguration": { parentInput: "resourceName", parentArm: "Microsoft.ContainerService/managedClusters", segment: "maintenanceConfigurations", nameInput: "configName" },
  "azure-native:containerregistry:Token": { parentInput: "registryName", parentArm: "Microsoft.ContainerRegistry/registries", segment: "tokens", nameInput: "tokenName" },
  "azure-native:keyvault:Secret": { parentInput: "vaultName", parentArm: "Microsoft.KeyVault/vaults", segment: "secrets", nameInput: "secretName" },
  "azure-native:privatedns:VirtualNetworkLink": { parentInput: "privateZoneName", parentArm: "Microsoft.Network/privateDnsZones", segment: "virtualNetworkLinks", nameInput: "virtualNetworkLinkName" },
  "azure-native:servicenetworking:FrontendsInterface": { parentInput: "trafficControllerName", parentArm: "Microsoft.ServiceNetworking/trafficControllers", segment: "frontends", nameInput: "frontendName" },
  "azure-native:servicenetworking:AssociationsInterface": { parentInput: "trafficControllerName", parentArm: "Microsoft.ServiceNetworking/trafficControllers", segment: "associations", nameInput: "associationName" },
  "azure-native:cdn:AFDEndpoint": { parentInput: "profileName", parentArm: "Microsoft.Cdn/profiles", segment: "afdEndpoints", nameInput: "endpointName" },
  "azure-native:cdn:AFDOriginGroup": { parentInput: "profileName", parentArm: "Microsoft.Cdn/profiles", segment: "originGroups", nameInput: "originGroupName" },
  "azure-native:network:PrivateDnsZoneGroup": { parentInput: "privateEndpointName", parentArm: "Microsoft.Network/privateEndpoints", segment: "privateDnsZoneGroups", nameInput: "privateDnsZoneGroupName" },
};

function autoName(name: string, ctx: MockContext, type: string, compact = false): string {
  const generated = `${name}${ctx.suffix(`${type}/${name}`)}`;
  return compact ? generated.toLowerCase().replace(/[^a-z0-9]/g, "") : generated;
}

function identity(seed: string, resourceId: string) {
  return { clientId: mockUuid(`${seed}/client`), objectId: mockUuid(`${seed}/object`), resourceId };
}

/** Where the mock remembers clusters, so the credentials invoke can answer for them. */
const clusters = new Map<string, { location: string; fqdn: string }>();

function managedClusterState(id: string, clusterName: string, inputs: Inputs, ctx: MockContext): Inputs {
  const resourceGroupName = String(inputs.resourceGroupName);
  const location = text(inputs.location) ?? "westeurope";
  const nodeResourceGroup = `MC_${resourceGroupName}_${clusterName}_${location}`;
  const identityResource = (idName: string) =>
    `/subscriptions/${subscriptionId(ctx)}/resourceGroups/${nodeResourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${idName}`;
  const addonProfiles: Inputs = {};
  for (const [key, profile] of Object.entries(record(inputs.addonProfiles))) {
    const enabled = record(profile).enabled === true;
    addonProfiles[key] = {
      ...record(profile),
      ...(enabled ? { identity: identity(`${id}/addon/${key}`, identityResource(`${key.toLowerCase()}-${clusterName}`)) } : {}),
    };
  }
  const fqdn = `${String(inputs.dnsPrefix ?? clusterName)}-${ctx.suffix(`fqdn/${id}`)}.hcp.${location}.azmk8s.io`;
  clusters.set(`${ctx.stack}/${resourceGroupName}/${clusterName}`, { location, fqdn });
  const systemAssigned = record(inputs.identity).type === "SystemAssigned";
  return {
    identity: { ...record(inputs.identity), ...(systemAssigned ? { principalId: mockUuid(`${id}/principal`), tenantId: tenantId(ctx) } : {}) },
    identityProfile: { kubeletidentity: identity(`${id}/kubelet`, identityResource(`${clusterName}-agentpool`)) },
    addonProfiles,
    oidcIssuerProfile: { enabled: true, issuerURL: `https://${location}.oic.prod-aks.azure.com/${tenantId(ctx)}/${mockUuid(`${id}/oidc`)}/` },
    fqdn,
    nodeResourceGroup,
    kubernetesVersion: text(inputs.kubernetesVersion) ?? "1.33.2",
    currentKubernetesVersion: text(inputs.kubernetesVersion) ?? "1.33.2",
    provisioningState: "Succeeded",
  };
}

/** Read-only properties ARM adds, by type. */
function computed(type: string, id: string, name: string, inputs: Inputs, ctx: MockContext): Inputs {
  switch (type) {
    case "azure-native:containerservice:ManagedCluster":
      return managedClusterState(id, name, inputs, ctx);
    case "azure-native:containerregistry:Registry":
      return { loginServer: `${name}.azurecr.io`, provisioningState: "Succeeded" };
    case "azure-native:keyvault:Vault":
      return { properties: { ...record(inputs.properties), vaultUri: `https://${name}.vault.azure.net/` } };
    case "azure-native:keyvault:Secret": {
      const vault = String(inputs.vaultName);
      return { properties: { ...record(inputs.properties), secretUri: `https://${vault}.vault.azure.net/secrets/${name}` } };
    }
    case "azure-native:monitor:DataCollectionRule":
      return { immutableId: `dcr-${createHash("sha256").update(id).digest("hex").slice(0, 32)}`, provisioningState: "Succeeded" };
    case "azure-native:containerregistry:Token":
      return { creationDate: "2025-06-01T09:30:00.0000000Z", provisioningState: "Succeeded" };
    case "azure-native:operationalinsights:Workspace":
      return { customerId: mockUuid(`${id}/customer`), provisioningState: "Succeeded" };
    case "azure-native:managedidentity:UserAssignedIdentity":
      return { clientId: mockUuid(`${id}/client`), principalId: mockUuid(`${id}/principal`), tenantId: tenantId(ctx) };
    case "azure-native:network:PublicIPAddress": {
      const octets = ctx.suffix(`ip/${id}`).match(/../g)?.map((pair) => parseInt(pair, 16)) ?? [];
      return { ipAddress: `20.${octets[0]}.${octets[1]}.${((octets[2] ?? 0) % 250) + 1}`, provisioningState: "Succeeded" };
    }
    case "azure-native:servicenetworking:FrontendsInterface":
      // Azure names each frontend by a random label under alb.azure.com.
      return { fqdn: `${ctx.suffix(`fqdn/${id}`)}.fz${ctx.suffix(`zone/${id}`).slice(0, 2)}.alb.azure.com`, provisioningState: "Succeeded" };
    case "azure-native:cdn:AFDEndpoint":
      // Front Door adds a hash of the tenant to the endpoint's name (autoGeneratedDomainNameLabelScope TenantReuse).
      return { hostName: `${name}-${ctx.suffix(`afd/${id}`)}${ctx.suffix(`afd2/${id}`).slice(0, 6)}.z01.azurefd.net`, provisioningState: "Succeeded", deploymentStatus: "NotStarted" };
    case "azure-native:storage:StorageAccount":
      return { primaryEndpoints: { blob: `https://${name}.blob.core.windows.net/` } };
    default:
      return {};
  }
}

function armResource(type: string, name: string, inputs: Inputs, ctx: MockContext) {
  const group = `/subscriptions/${subscriptionId(ctx)}/resourceGroups/${String(inputs.resourceGroupName)}`;
  const top = armTypes[type];
  const child = childTypes[type];
  if (type === "azure-native:resources:ResourceGroup") {
    const rg = text(inputs.resourceGroupName) ?? autoName(name, ctx, type);
    return { id: `/subscriptions/${subscriptionId(ctx)}/resourceGroups/${rg}`, state: { ...inputs, name: rg, provisioningState: "Succeeded" } };
  }
  if (top) {
    const resourceName = text(inputs[top.nameInput]) ?? autoName(name, ctx, type, top.compact);
    const id = `${group}/providers/${top.arm}/${resourceName}`;
    return { id, state: { ...inputs, name: resourceName, ...computed(type, id, resourceName, inputs, ctx) } };
  }
  if (child) {
    const resourceName = text(inputs[child.nameInput]) ?? autoName(name, ctx, type);
    const id = `${group}/providers/${child.parentArm}/${String(inputs[child.parentInput])}/${child.segment}/${resourceName}`;
    return { id, state: { ...inputs, name: resourceName, ...computed(type, id, resourceName, inputs, ctx) } };
  }
  // Front Door's origins sit under an origin group, and routes under an endpoint, of a profile.
  const grandchild =
    type === "azure-native:cdn:AFDOrigin"
      ? { parent: `originGroups/${String(inputs.originGroupName)}`, segment: "origins", nameInput: "originName" }
      : type === "azure-native:cdn:Route"
        ? { parent: `afdEndpoints/${String(inputs.endpointName)}`, segment: "routes", nameInput: "routeName" }
        : undefined;
  if (grandchild) {
    const resourceName = text(inputs[grandchild.nameInput]) ?? autoName(name, ctx, type);
    const id = `${group}/providers/Microsoft.Cdn/profiles/${String(inputs.profileName)}/${grandchild.parent}/${grandchild.segment}/${resourceName}`;
    return { id, state: { ...inputs, name: resourceName, provisioningState: "Succeeded", deploymentStatus: "NotStarted" } };
  }
  if (type === "azure-native:authorization:RoleAssignment") {
    const assignment = text(inputs.roleAssignmentName) ?? mockUuid(`${ctx.stack}/${name}`);
    const id = `${String(inputs.scope)}/providers/Microsoft.Authorization/roleAssignments/${assignment}`;
    return { id, state: { ...inputs, name: assignment, principalType: inputs.principalType ?? "User" } };
  }
  if (type === "azure-native:monitor:DataCollectionRuleAssociation") {
    const association = text(inputs.associationName) ?? autoName(name, ctx, type);
    return {
      id: `${String(inputs.resourceUri)}/providers/Microsoft.Insights/dataCollectionRuleAssociations/${association}`,
      state: { ...inputs, name: association, provisioningState: "Succeeded" },
    };
  }
  if (type === "azure-native:monitor:DiagnosticSetting") {
    const setting = text(inputs.name) ?? autoName(name, ctx, type);
    return { id: `${String(inputs.resourceUri)}/providers/microsoft.insights/diagnosticSettings/${setting}`, state: { ...inputs, name: setting } };
  }
  return undefined;
}

/**
 * An access token as Entra ID issues one to a user signed in with `az login`: a JWT whose claims name the
 * audience, the deployer's object id and tenant, and the delegated scope a user's token carries.
 */
function deployerToken(audience: string, ctx: MockContext): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const claims = { aud: audience, iss: `https://sts.windows.net/${tenantId(ctx)}/`, oid: mockUuid(`${ctx.stack}/deployer/object`), tid: tenantId(ctx), scp: "user_impersonation" };
  return `${part({ typ: "JWT", alg: "RS256" })}.${part(claims)}.${ctx.suffix(`signature/${audience}`).repeat(4)}`;
}

/** The generated password of an ACR token (a dynamic resource: see acr-token-password.ts). */
function tokenPassword(name: string, inputs: Inputs, ctx: MockContext) {
  const tokenId = String(inputs.tokenId);
  const username = tokenId.split("/").pop() ?? "token";
  const password = `${ctx.suffix(`${name}/password/1`)}${ctx.suffix(`${name}/password/2`)}${ctx.suffix(`${name}/password/3`)}`;
  // Valid for the provider's 90 days from the day the plan is made.
  const expiry = new Date(Date.now() + 90 * 86_400_000).toISOString();
  return { id: `${tokenId}/passwords/password1`, state: { ...inputs, accessToken: undefined, username, password, expiry } };
}

function userKubeconfig(clusterName: string, resourceGroupName: string, format: string | undefined, ctx: MockContext): string {
  const cluster = clusters.get(`${ctx.stack}/${resourceGroupName}/${clusterName}`);
  const server = `https://${cluster?.fqdn ?? `${clusterName}.hcp.westeurope.azmk8s.io`}:443`;
  const ca = Buffer.from(`-----BEGIN CERTIFICATE-----\nMIIE6DCCAtCgAwIBAgIQ${ctx.suffix(`ca/${clusterName}`)}\n-----END CERTIFICATE-----\n`).toString("base64");
  const user = `clusterUser_${resourceGroupName}_${clusterName}`;
  const credentials =
    format === "exec"
      ? [
          "    exec:",
          "      apiVersion: client.authentication.k8s.io/v1beta1",
          "      command: kubelogin",
          "      args:",
          ...["get-token", "--environment", "AzurePublicCloud", "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630", "--client-id", "80faf920-1908-4b52-b5ef-a8e7bedfc67a", "--tenant-id", tenantId(ctx), "--login", "devicecode"].map((a) => `      - ${a}`),
          "      installHint: kubelogin is not installed; see https://aka.ms/aks/kubelogin",
          "      provideClusterInfo: false",
        ]
      : [
          `    client-certificate-data: ${Buffer.from(`cert/${clusterName}`).toString("base64")}`,
          `    client-key-data: ${Buffer.from(`key/${clusterName}`).toString("base64")}`,
          `    token: ${ctx.suffix(`token/${clusterName}`).repeat(8)}`,
        ];
  return [
    "apiVersion: v1",
    "kind: Config",
    "clusters:",
    "- cluster:",
    `    certificate-authority-data: ${ca}`,
    `    server: ${server}`,
    `  name: ${clusterName}`,
    "contexts:",
    "- context:",
    `    cluster: ${clusterName}`,
    `    user: ${user}`,
    `  name: ${clusterName}`,
    `current-context: ${clusterName}`,
    "preferences: {}",
    "users:",
    `- name: ${user}`,
    "  user:",
    ...credentials,
    "",
  ].join("\n");
}

export const azureMocks: MockModule = {
  newResource({ type, name, inputs }, ctx) {
    if (type.startsWith("azure-native:")) return armResource(type, name, inputs, ctx);
    if (type === "pulumi-nodejs:dynamic:Resource" && typeof inputs.tokenId === "string") return tokenPassword(name, inputs, ctx);
    // The wait for a Key Vault data-plane role (key-vault-access.ts): in effect at once, offline.
    if (type === "pulumi-nodejs:dynamic:Resource" && typeof inputs.roleAssignmentId === "string") {
      return { id: `${inputs.roleAssignmentId}/effective`, state: { vaultUri: inputs.vaultUri, roleAssignmentId: inputs.roleAssignmentId } };
    }
    return undefined;
  },
  call({ token, inputs }, ctx) {
    switch (token) {
      case "azure-native:authorization:getClientConfig":
        return {
          clientId: mockUuid(`${ctx.stack}/deployer/client`),
          objectId: mockUuid(`${ctx.stack}/deployer/object`),
          subscriptionId: subscriptionId(ctx),
          tenantId: tenantId(ctx),
        };
      case "azure-native:authorization:getClientToken":
        return { token: deployerToken(text(inputs.endpoint) ?? "https://management.azure.com/", ctx) };
      case "azure-native:containerservice:listManagedClusterUserCredentials": {
        const kubeconfig = userKubeconfig(String(inputs.resourceName), String(inputs.resourceGroupName), text(inputs.format), ctx);
        return { kubeconfigs: [{ name: "clusterUser", value: Buffer.from(kubeconfig).toString("base64") }] };
      }
      default:
        return undefined;
    }
  },
};
