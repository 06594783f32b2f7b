import * as network from "@pulumi/azure-native/network/index.js";
import * as privatedns from "@pulumi/azure-native/privatedns/index.js";
import * as pulumi from "@pulumi/pulumi";

/**
 * The private link sub-resource of each service, and the private DNS zone its names resolve through:
 * `<vault>.vault.azure.net` is a CNAME to `<vault>.privatelink.vaultcore.azure.net`, which a zone of that
 * name linked to the VNet answers with the endpoint's address (Azure's private endpoint DNS table).
 */
export const privateLinkServices = {
  vault: { groupId: "vault", zone: "privatelink.vaultcore.azure.net" },
  registry: { groupId: "registry", zone: "privatelink.azurecr.io" },
  blob: { groupId: "blob", zone: "privatelink.blob.core.windows.net" },
} as const;
export type PrivateLinkService = keyof typeof privateLinkServices;

/**
 * A service reached through a private endpoint: off the public internet but for these addresses, which
 * its firewall lets in (the places `pulumi up` runs from, which write its data plane). With none, public
 * network access is off altogether, and only the VNet reaches it.
 */
export interface PrivateAccess {
  allowedIpRanges: string[];
}

export interface PrivateEndpointTarget {
  /** Short name of the endpoint within the component, such as `vault`. */
  name: string;
  /** The resource the endpoint connects to. */
  resourceId: pulumi.Input<string>;
  service: PrivateLinkService;
}

export interface AksPrivateEndpointsArgs {
  resourceGroupName: pulumi.Input<string>;
  /** Region of the endpoints (the zones are global). */
  location: pulumi.Input<string>;
  /** The VNet whose resolver answers from the zones. */
  vnetId: pulumi.Input<string>;
  /** The subnet the endpoints take their addresses from. */
  subnetId: pulumi.Input<string>;
  /** Base name of the stack, for the endpoints' names. */
  baseName: string;
  targets: PrivateEndpointTarget[];
  /** @default {} */
  tags?: Record<string, string>;
}

/**
 * Private endpoints in the VNet for the platform's Key Vault, registry and storage, each with its
 * private DNS zone linked to the VNet and a zone group that keeps the zone's records in step with the
 * endpoint (a registry's endpoint has two: the registry and its regional data endpoint).
 */
export class AksPrivateEndpoints extends pulumi.ComponentResource {
  readonly endpoints: network.PrivateEndpoint[] = [];
  /** What clients in the VNet need before they resolve a service to its endpoint: endpoints, records, links. */
  readonly readiness: pulumi.Resource[] = [];

  constructor(name: string, args: AksPrivateEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksPrivateEndpoints", name, {}, opts);
    const tags = args.tags ?? {};
    const zones = new Map<PrivateLinkService, privatedns.PrivateZone>();
    const zoneOf = (service: PrivateLinkService) => {
      const existing = zones.get(service);
      if (existing) return existing;
      const zoneName = privateLinkServices[service].zone;
      // Private DNS zones and their links are global resources; left unset, the provider would give them
      // the resource group's region.
      const zone = new privatedns.PrivateZone(
        `${name}-${service}-zone`,
        { privateZoneName: zoneName, resourceGroupName: args.resourceGroupName, location: "global", tags },
        { parent: this },
      );
      const link = new privatedns.VirtualNetworkLink(
        `${name}-${service}-link`,
        {
          virtualNetworkLinkName: `${args.baseName}-vnet`,
          privateZoneName: zone.name,
          resourceGroupName: args.resourceGroupName,
          location: "global",
          virtualNetwork: { id: args.vnetId },
          // The zone holds the endpoints' records; VMs must not register their own names in it.
          registrationEnabled: false,
          tags,
        },
        { parent: this },
      );
      zones.set(service, zone);
      this.readiness.push(link);
      return zone;
    };

    for (const target of args.targets) {
      const { groupId } = privateLinkServices[target.service];
      const endpointName = `pe-${args.baseName}-${target.name}`;
      const endpoint = new network.PrivateEndpoint(
        `${name}-${target.name}`,
        {
          privateEndpointName: endpointName,
          resourceGroupName: args.resourceGroupName,
          location: args.location,
          subnet: { id: args.subnetId },
          privateLinkServiceConnections: [{ name: endpointName, privateLinkServiceId: target.resourceId, groupIds: [groupId] }],
          tags,
        },
        { parent: this },
      );
      const zone = zoneOf(target.service);
      const records = new network.PrivateDnsZoneGroup(
        `${name}-${target.name}-dns`,
        {
          privateDnsZoneGroupName: "default",
          privateEndpointName: endpoint.name,
          resourceGroupName: args.resourceGroupName,
          privateDnsZoneConfigs: [{ name: groupId, privateDnsZoneId: zone.id }],
        },
        { parent: this },
      );
      this.endpoints.push(endpoint);
      this.readiness.push(endpoint, records);
    }
    this.registerOutputs({ endpointIds: this.endpoints.map((e) => e.id) });
  }
}
