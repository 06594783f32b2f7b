import { z } from "zod";
import { cidrContains, cidrContainsIp, cidrsOverlap, parseCidr, parseIp, type Cidr } from "../../components/cidr.js";
import type { AksNetworkSettings } from "../../components/azure/settings.js";
import { field, isCidr } from "./fields.js";
import type { ConfigContext, ReportProblem } from "./fragment.js";
import { documentationRanges } from "./placeholders.js";

export const networkPolicies = ["azure", "calico", "cilium", "none"] as const;
export const outboundTypes = ["loadBalancer", "natGateway"] as const;
/** RFC 1918's private ranges: Key Vault's firewall refuses them as IP rules, and no public client has them. */
const privateBlocks = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((text) => parseCidr(text) as Cidr);

/** The AKS network's keys: the VNet and its subnets, the CNI, egress, security groups and private endpoints. */
export function aksNetworkKeys(ctx: ConfigContext) {
  const prod = ctx.environment === "prod";
  return {
    aksVnetCidr: field.cidr({ default: "10.10.0.0/16" }),
    aksNodeSubnetCidr: field.cidr({ default: "10.10.0.0/20" }),
    aksServiceCidr: field.cidr({ default: "10.0.0.0/16" }),
    aksDnsServiceIp: field.string({
      default: "10.0.0.10",
      pattern: /^\d{1,3}(\.\d{1,3}){3}$/,
      expected: "an IPv4 address inside aksServiceCidr",
    }),
    aksNetworkOverlay: field.boolean({ default: prod }),
    aksPodCidr: field.cidr({ default: "10.244.0.0/16" }),
    aksNetworkPolicy: field.optionalOneOf(networkPolicies),
    aksVirtualNodes: field.boolean({ default: false }),
    aksVirtualNodesSubnetCidr: field.cidr({ default: "10.10.16.0/24" }),
    aksOutboundType: field.oneOf<(typeof outboundTypes)[number]>(outboundTypes, { default: prod ? "natGateway" : "loadBalancer" }),
    aksNetworkSecurityGroups: field.boolean({ default: prod }),
    aksPrivateEndpoints: field.boolean({ default: prod }),
    aksPrivateEndpointSubnetCidr: field.cidr({ default: "10.10.17.0/24" }),
    aksAppGatewaySubnetCidr: field.cidr({ default: "10.10.18.0/24" }),
    // Unset, the addresses allowed to the API server: pulumi up runs from among them.
    aksDeployerIpRanges: field.json(z.array(z.string().refine(isCidr, { message: "expected an IPv4 CIDR block such as 20.50.1.7/32" })).max(200).optional(), {
      default: undefined,
      expected: "a list of the public IPv4 CIDR blocks pulumi up runs from",
    }),
  };
}

export interface NetworkValues {
  aksVnetCidr: string;
  aksNodeSubnetCidr: string;
  aksServiceCidr: string;
  aksDnsServiceIp: string;
  aksNetworkOverlay: boolean;
  aksPodCidr: string;
  aksNetworkPolicy: (typeof networkPolicies)[number] | undefined;
  aksVirtualNodes: boolean;
  aksVirtualNodesSubnetCidr: string;
  aksOutboundType: (typeof outboundTypes)[number];
  aksNetworkSecurityGroups: boolean;
  aksPrivateEndpoints: boolean;
  aksPrivateEndpointSubnetCidr: string;
  aksAppGatewaySubnetCidr: string;
  aksDeployerIpRanges: string[] | undefined;
  aksAuthorizedIpRanges: string[];
  aksAcrSku: string;
}

/**
 * Cilium (Azure CNI Powered by Cilium) wherever AKS runs it, which is every Azure CNI mode: overlay,
 * pod subnet, and the node subnet of flat CNI (GA since 2025). Azure's own policy manager (NPM) retires
 * on Linux on 2028-09-30. Virtual nodes keep NPM: the ACI connector is documented with it alone.
 */
export function networkPolicyOf(v: Pick<NetworkValues, "aksNetworkPolicy" | "aksVirtualNodes">): (typeof networkPolicies)[number] {
  return v.aksNetworkPolicy ?? (v.aksVirtualNodes ? "azure" : "cilium");
}

/** The addresses let through the private services' firewalls: the deployer's, or else the API server's allowed ones. */
export function deployerRanges(v: Pick<NetworkValues, "aksDeployerIpRanges" | "aksAuthorizedIpRanges">): string[] {
  return v.aksDeployerIpRanges ?? v.aksAuthorizedIpRanges;
}

export function networkSettings(v: NetworkValues): AksNetworkSettings {
  return {
    vnetCidr: v.aksVnetCidr,
    nodeSubnetCidr: v.aksNodeSubnetCidr,
    serviceCidr: v.aksServiceCidr,
    dnsServiceIp: v.aksDnsServiceIp,
    overlay: v.aksNetworkOverlay,
    podCidr: v.aksNetworkOverlay ? v.aksPodCidr : undefined,
    policy: networkPolicyOf(v),
    virtualNodesSubnetCidr: v.aksVirtualNodes ? v.aksVirtualNodesSubnetCidr : undefined,
    privateEndpointSubnetCidr: v.aksPrivateEndpoints ? v.aksPrivateEndpointSubnetCidr : undefined,
    appGatewaySubnetCidr: v.aksAppGatewaySubnetCidr,
    securityGroups: v.aksNetworkSecurityGroups,
    outbound: v.aksOutboundType,
  };
}

export function checkNetwork(v: NetworkValues, ctx: ConfigContext, report: ReportProblem): void {
  const vnet = parseCidr(v.aksVnetCidr);
  const nodes = parseCidr(v.aksNodeSubnetCidr);
  const services = parseCidr(v.aksServiceCidr);
  const pods = parseCidr(v.aksPodCidr);
  const aci = parseCidr(v.aksVirtualNodesSubnetCidr);
  const endpoints = parseCidr(v.aksPrivateEndpointSubnetCidr);
  const appGateway = parseCidr(v.aksAppGatewaySubnetCidr);
  if (!vnet || !nodes || !services || !pods || !aci || !endpoints || !appGateway) return;
  if (!cidrContains(vnet, nodes)) {
    report("aksNodeSubnetCidr", `a block inside aksVnetCidr (${v.aksVnetCidr})`);
  }
  if (cidrsOverlap(vnet, services)) {
    report("aksServiceCidr", `a block that does not overlap aksVnetCidr (${v.aksVnetCidr})`);
  }
  const dns = parseIp(v.aksDnsServiceIp);
  if (dns === undefined || !cidrContainsIp(services, dns) || dns === services.first) {
    report("aksDnsServiceIp", `an IPv4 address inside aksServiceCidr (${v.aksServiceCidr}), not its first address`);
  }
  if (v.aksNetworkOverlay) {
    if (cidrsOverlap(pods, vnet) || cidrsOverlap(pods, services)) {
      report("aksPodCidr", `a block that overlaps neither aksVnetCidr (${v.aksVnetCidr}) nor aksServiceCidr (${v.aksServiceCidr})`);
    }
  }
  if (v.aksVirtualNodes) {
    if (v.aksNetworkOverlay) {
      report("aksVirtualNodes", "false while aksNetworkOverlay is true: virtual nodes need flat Azure CNI");
    }
    if (!cidrContains(vnet, aci) || cidrsOverlap(aci, nodes)) {
      report("aksVirtualNodesSubnetCidr", `a block inside aksVnetCidr (${v.aksVnetCidr}) that does not overlap aksNodeSubnetCidr (${v.aksNodeSubnetCidr})`);
    }
  }
  if (v.aksPrivateEndpoints) checkPrivateEndpoints(v, ctx, { vnet, nodes, aci, endpoints }, report);
  const others = [nodes, ...(v.aksVirtualNodes ? [aci] : []), ...(v.aksPrivateEndpoints ? [endpoints] : [])];
  // Application Gateway for Containers asks for a subnet of its own with at least 250 free addresses.
  if (!cidrContains(vnet, appGateway) || others.some((block) => cidrsOverlap(block, appGateway)) || appGateway.prefix > 24) {
    report(
      "aksAppGatewaySubnetCidr",
      `a /24 or larger block inside aksVnetCidr (${v.aksVnetCidr}) that overlaps none of the other subnets (Application Gateway for Containers needs 250 addresses of its own)`,
    );
  }
}

function checkPrivateEndpoints(v: NetworkValues, ctx: ConfigContext, blocks: Record<"vnet" | "nodes" | "aci" | "endpoints", Cidr>, report: ReportProblem): void {
  const { vnet, nodes, aci, endpoints } = blocks;
  if (!cidrContains(vnet, endpoints) || cidrsOverlap(endpoints, nodes) || (v.aksVirtualNodes && cidrsOverlap(endpoints, aci))) {
    report(
      "aksPrivateEndpointSubnetCidr",
      `a block inside aksVnetCidr (${v.aksVnetCidr}) that overlaps neither aksNodeSubnetCidr (${v.aksNodeSubnetCidr}) nor the virtual nodes subnet`,
    );
  }
  if (v.aksAcrSku !== "Premium") {
    report("aksAcrSku", `Premium while aksPrivateEndpoints is true: ACR takes private endpoints and IP rules on Premium only (got ${v.aksAcrSku})`);
  }
  const ranges = v.aksDeployerIpRanges ?? [];
  const parsed = ranges.map((text) => ({ text, block: parseCidr(text) })).filter((r): r is { text: string; block: Cidr } => r.block !== undefined);
  const privateOnes = parsed.filter((r) => privateBlocks.some((p) => cidrsOverlap(p, r.block))).map((r) => r.text);
  if (privateOnes.length > 0) {
    report(
      "aksDeployerIpRanges",
      `public addresses: ${privateOnes.join(", ")} is private, and Key Vault's firewall takes no private ranges (from inside the VNet, the private endpoints answer without a rule)`,
    );
  }
  if (parsed.some((r) => r.block.prefix === 0)) {
    report("aksDeployerIpRanges", "blocks narrower than 0.0.0.0/0, which would let every address through the firewalls");
  }
  const placeholders = documentationRanges(ranges);
  if (placeholders.length > 0 && !ctx.examples.has("aksDeployerIpRanges")) {
    report(
      "aksDeployerIpRanges",
      `the real addresses pulumi up runs from; ${placeholders.join(", ")} is an RFC 5737 documentation range that no client has, so pulumi up could push no image and pulumi destroy delete no secret`,
    );
  }
}
