/**
 * Names and ids the Azure components share: resource names within Azure's rules, built-in role
 * definition ids, and the add-on keys whose casing ARM is strict about. Pure functions, tested alone.
 */

/** Built-in Azure role definitions, by the GUID every tenant shares. */
export const roles = {
  acrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
  keyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  keyVaultSecretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  aksRbacClusterAdmin: "b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b",
  networkContributor: "4d97b98b-1d4f-4787-a291-c67834d212e7",
  reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  appGatewayForContainersConfigurationManager: "fbc52c3f-28ad-4303-a892-8a056630b8f1",
} as const;

/**
 * The ALB Controller's chart for Application Gateway for Containers, pinned. It brings the Gateway API
 * CRDs and the `azure-alb-external` GatewayClass with it.
 */
export const albControllerChart = {
  chart: "oci://mcr.microsoft.com/application-lb/charts/alb-controller",
  version: "1.12.1",
} as const;

/** The full id of a built-in role definition, as role assignments take it. */
export function roleDefinitionId(subscriptionId: string, role: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`;
}

/** AKS add-on profile keys, in the casing AKS documents; read them back with `addonProfile()`, which ignores case. */
export const addons = {
  monitoring: "omsagent",
  secretsProvider: "azureKeyvaultSecretsProvider",
  policy: "azurepolicy",
  virtualNodes: "aciConnectorLinux",
} as const;

/** Letters and digits only, lowercased: what ACR and storage account names allow. */
export function alphanumeric(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/**
 * A globally unique name for a resource whose name is a DNS label Azure-wide (registry, vault,
 * storage account): a prefix, the stack's base name cut to fit, and a stable random suffix.
 */
export function globalName(kind: "registry" | "vault" | "storage", base: string, suffix: string): string {
  const limits = { registry: { prefix: "acr", max: 50 }, vault: { prefix: "kv", max: 24 }, storage: { prefix: "st", max: 24 } };
  const { prefix, max } = limits[kind];
  const tail = alphanumeric(suffix);
  if (tail.length < 4 || tail.length > 8) throw new Error(`suffix must be 4-8 letters or digits, got ${JSON.stringify(suffix)}`);
  const room = max - prefix.length - tail.length;
  const name = `${prefix}${alphanumeric(base).slice(0, room)}${tail}`;
  if (name.length < 5) throw new Error(`base ${JSON.stringify(base)} leaves no valid ${kind} name`);
  return name;
}

/** Names of resources that only need to be unique in their resource group. */
export function localNames(base: string) {
  return {
    resourceGroup: `rg-${base}`,
    vnet: `vnet-${base}`,
    nodeSubnet: "snet-nodes",
    virtualNodesSubnet: "snet-virtual-nodes",
    endpointSubnet: "snet-private-endpoints",
    appGatewaySubnet: "snet-app-gateway",
    appGateway: `agc-${base}`,
    securityGroup: (subnet: string) => `nsg-${base}-${subnet.replace(/^snet-/, "")}`,
    natGateway: `ng-${base}`,
    egressIp: `pip-${base}-egress`,
    cluster: `aks-${base}`,
    dnsPrefix: base,
    workspace: `log-${base}`,
    controlPlaneIdentity: `id-${base}-control-plane`,
  };
}

/**
 * Name of Container Insights' data collection rule: `MSCI-<region>-<cluster>`, the name Azure's own
 * onboarding gives it, cut to the 64 characters a rule name allows.
 */
export function containerInsightsRuleName(location: string, clusterName: string): string {
  return `MSCI-${location}-${clusterName}`.slice(0, 64);
}

/** The zone where the DNS labels of a region's public IPs live: `<label>.<region>.cloudapp.azure.com`. */
export function dnsLabelDomain(location: string): string {
  return `${location}.cloudapp.azure.com`;
}

/** Control-plane log categories of AKS that the diagnostic setting sends to Log Analytics. */
export const controlPlaneLogCategories = [
  "kube-apiserver",
  "kube-audit-admin",
  "kube-controller-manager",
  "kube-scheduler",
  "cluster-autoscaler",
  "guard",
  "cloud-controller-manager",
  "csi-azuredisk-controller",
  "csi-azurefile-controller",
  "csi-snapshot-controller",
] as const;
