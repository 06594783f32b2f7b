import * as network from "@pulumi/azure-native/network/index.js";
import type { network as networkInputs } from "@pulumi/azure-native/types/input.js";
import * as pulumi from "@pulumi/pulumi";
import { localNames } from "./naming.js";

export interface AksNetworkArgs {
  /** Resource group that holds the VNet. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the VNet. */
  location: pulumi.Input<string>;
  /** Base name of the stack; the VNet is named `vnet-<base>`. */
  baseName: string;
  /** Address space of the VNet. */
  vnetCidr: string;
  /** Subnet the nodes (and, with flat Azure CNI, the pods) take their addresses from; inside `vnetCidr`. */
  nodeSubnetCidr: string;
  /**
   * Subnet for virtual nodes, delegated to Azure Container Instances; inside `vnetCidr`.
   * @default - no virtual nodes subnet
   */
  virtualNodesSubnetCidr?: string;
  /**
   * Subnet for private endpoints; inside `vnetCidr`.
   * @default - no private endpoint subnet
   */
  privateEndpointSubnetCidr?: string;
  /**
   * Subnet delegated to Application Gateway for Containers; inside `vnetCidr`, a /24 or larger.
   * @default - no such subnet
   */
  appGatewaySubnetCidr?: string;
  /**
   * A network security group on each subnet. The node subnet's admits HTTP and HTTPS from the internet
   * (to the load balancers AKS adds for Services, which AKS's own rules on the nodes narrow further) and,
   * by Azure's default rules, the VNet and Azure's load balancer probes; nothing else from outside.
   * @default false
   */
  securityGroups?: boolean;
  /**
   * Egress through a NAT gateway of the stack's own, with one static public IP, on the node subnet:
   * the address every connection out of the cluster comes from, which others can allowlist.
   * @default false
   */
  natGateway?: boolean;
  /**
   * Tags for the VNet and what is in it.
   * @default {}
   */
  tags?: Record<string, string>;
}

/**
 * The cluster's VNet: a node subnet, a subnet delegated to Azure Container Instances when virtual nodes
 * are on, and one for private endpoints when they are; with network security groups and a NAT gateway
 * when asked. Subnets are resources of their own rather than inline in the VNet, so that adding one later
 * is an update of one subnet, not of the VNet.
 */
export class AksNetwork extends pulumi.ComponentResource {
  readonly vnet: network.VirtualNetwork;
  readonly nodeSubnet: network.Subnet;
  readonly virtualNodesSubnet?: network.Subnet;
  /** Name of the virtual nodes subnet, as the ACI connector add-on takes it. */
  readonly virtualNodesSubnetName?: string;
  readonly privateEndpointSubnet?: network.Subnet;
  readonly appGatewaySubnet?: network.Subnet;
  readonly securityGroups: network.NetworkSecurityGroup[] = [];
  readonly natGateway?: network.NatGateway;
  /** The static address the cluster's connections out come from, with a NAT gateway. */
  readonly egressIp?: pulumi.Output<string>;

  constructor(name: string, args: AksNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksNetwork", name, {}, opts);
    const tags = args.tags ?? {};
    const names = localNames(args.baseName);
    const common = { resourceGroupName: args.resourceGroupName, location: args.location, tags };

    this.vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      { virtualNetworkName: names.vnet, ...common, addressSpace: { addressPrefixes: [args.vnetCidr] } },
      // Subnets are managed as their own resources; without this the VNet would try to remove them.
      { parent: this, ignoreChanges: ["subnets"] },
    );

    if (args.natGateway) {
      const ip = new network.PublicIPAddress(
        `${name}-egress-ip`,
        { publicIpAddressName: names.egressIp, ...common, sku: { name: "Standard", tier: "Regional" }, publicIPAllocationMethod: "Static" },
        { parent: this },
      );
      this.egressIp = ip.ipAddress.apply((address) => address ?? "");
      this.natGateway = new network.NatGateway(
        `${name}-nat`,
        // Standard, in no zone of its own choosing: the zone-redundant StandardV2 needs a newer network API than the SDK's.
        { natGatewayName: names.natGateway, ...common, sku: { name: "Standard" }, publicIpAddresses: [{ id: ip.id }], idleTimeoutInMinutes: 4 },
        { parent: this },
      );
    }

    const securityGroup = (subnet: string, rules: networkInputs.SecurityRuleArgs[] = []) => {
      if (!args.securityGroups) return undefined;
      const group = new network.NetworkSecurityGroup(
        `${name}-${subnet.replace(/^snet-/, "")}-nsg`,
        { networkSecurityGroupName: names.securityGroup(subnet), ...common, securityRules: rules },
        { parent: this },
      );
      this.securityGroups.push(group);
      return { id: group.id };
    };

    // Azure updates one VNet's subnets one at a time; parallel subnet writes fail with AnotherOperationInProgress.
    let previous: network.Subnet | undefined;
    const subnet = (logical: string, subnetName: string, addressPrefix: string, extra: Partial<network.SubnetArgs>) => {
      const created = new network.Subnet(
        `${name}-${logical}`,
        { subnetName, resourceGroupName: args.resourceGroupName, virtualNetworkName: this.vnet.name, addressPrefix, ...extra },
        { parent: this, dependsOn: previous ? [previous] : [] },
      );
      previous = created;
      return created;
    };

    this.nodeSubnet = subnet("nodes", names.nodeSubnet, args.nodeSubnetCidr, {
      networkSecurityGroup: securityGroup(names.nodeSubnet, [
        {
          name: "allow-web-from-internet",
          priority: 200,
          direction: "Inbound",
          access: "Allow",
          protocol: "Tcp",
          sourceAddressPrefix: "Internet",
          sourcePortRange: "*",
          destinationAddressPrefix: "*",
          destinationPortRanges: ["80", "443"],
          description: "HTTP and HTTPS to the Services' load balancers; AKS adds the exact rules on the nodes' own group",
        },
      ]),
      ...(this.natGateway ? { natGateway: { id: this.natGateway.id } } : {}),
    });

    if (args.virtualNodesSubnetCidr) {
      this.virtualNodesSubnetName = names.virtualNodesSubnet;
      this.virtualNodesSubnet = subnet("virtual-nodes", names.virtualNodesSubnet, args.virtualNodesSubnetCidr, {
        // The ACI connector places container groups here; ACI requires the subnet delegated to it.
        delegations: [{ name: "aci", serviceName: "Microsoft.ContainerInstance/containerGroups" }],
        networkSecurityGroup: securityGroup(names.virtualNodesSubnet),
      });
    }

    if (args.privateEndpointSubnetCidr) {
      this.privateEndpointSubnet = subnet("private-endpoints", names.endpointSubnet, args.privateEndpointSubnetCidr, {
        networkSecurityGroup: securityGroup(names.endpointSubnet),
      });
    }

    if (args.appGatewaySubnetCidr) {
      // No security group of ours: the subnet is the gateway's alone (delegated), and its frontends take
      // the internet's HTTP and HTTPS through it; a group would have to admit exactly that anyway.
      this.appGatewaySubnet = subnet("app-gateway", names.appGatewaySubnet, args.appGatewaySubnetCidr, {
        delegations: [{ name: "app-gateway-for-containers", serviceName: "Microsoft.ServiceNetworking/trafficControllers" }],
      });
    }

    this.registerOutputs({
      vnetId: this.vnet.id,
      nodeSubnetId: this.nodeSubnet.id,
      virtualNodesSubnetId: this.virtualNodesSubnet?.id,
      privateEndpointSubnetId: this.privateEndpointSubnet?.id,
      appGatewaySubnetId: this.appGatewaySubnet?.id,
      egressIp: this.egressIp,
    });
  }
}
