import * as network from "@pulumi/azure-native/network/index.js";
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
   * Tags for the VNet.
   * @default {}
   */
  tags?: Record<string, string>;
}

/**
 * The cluster's VNet: a node subnet, and a subnet delegated to Azure Container Instances when virtual
 * nodes are on. Subnets are resources of their own rather than inline in the VNet, so that adding the
 * virtual nodes subnet later is an update of one subnet, not of the VNet.
 */
export class AksNetwork extends pulumi.ComponentResource {
  readonly vnet: network.VirtualNetwork;
  readonly nodeSubnet: network.Subnet;
  readonly virtualNodesSubnet?: network.Subnet;
  /** Name of the virtual nodes subnet, as the ACI connector add-on takes it. */
  readonly virtualNodesSubnetName?: string;

  constructor(name: string, args: AksNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksNetwork", name, {}, opts);
    const tags = args.tags ?? {};
    const names = localNames(args.baseName);

    this.vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      {
        virtualNetworkName: names.vnet,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        addressSpace: { addressPrefixes: [args.vnetCidr] },
        tags,
      },
      // Subnets are managed as their own resources; without this the VNet would try to remove them.
      { parent: this, ignoreChanges: ["subnets"] },
    );

    this.nodeSubnet = new network.Subnet(
      `${name}-nodes`,
      {
        subnetName: names.nodeSubnet,
        resourceGroupName: args.resourceGroupName,
        virtualNetworkName: this.vnet.name,
        addressPrefix: args.nodeSubnetCidr,
      },
      { parent: this },
    );

    if (args.virtualNodesSubnetCidr) {
      this.virtualNodesSubnetName = names.virtualNodesSubnet;
      this.virtualNodesSubnet = new network.Subnet(
        `${name}-virtual-nodes`,
        {
          subnetName: names.virtualNodesSubnet,
          resourceGroupName: args.resourceGroupName,
          virtualNetworkName: this.vnet.name,
          addressPrefix: args.virtualNodesSubnetCidr,
          // The ACI connector places container groups here; ACI requires the subnet delegated to it.
          delegations: [{ name: "aci", serviceName: "Microsoft.ContainerInstance/containerGroups" }],
        },
        // Azure updates one VNet's subnets one at a time; parallel subnet writes fail with AnotherOperationInProgress.
        { parent: this, dependsOn: [this.nodeSubnet] },
      );
    }

    this.registerOutputs({
      vnetId: this.vnet.id,
      nodeSubnetId: this.nodeSubnet.id,
      virtualNodesSubnetId: this.virtualNodesSubnet?.id,
    });
  }
}
