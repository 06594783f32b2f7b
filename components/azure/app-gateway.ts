import * as authorization from "@pulumi/azure-native/authorization/index.js";
import * as servicenetworking from "@pulumi/azure-native/servicenetworking/index.js";
import * as helm from "@pulumi/kubernetes/helm/v3/index.js";
import type { Provider } from "@pulumi/kubernetes/provider.js";
import * as pulumi from "@pulumi/pulumi";
import type { Exposure } from "../cluster-target.js";
import { albControllerChart, roleDefinitionId, roles } from "./naming.js";
import { AksWorkloadIdentity } from "./workload-identity.js";

/** Where the controller runs, and the ServiceAccount its federated credential trusts. */
export const albControllerNamespace = "azure-alb-system";
export const albControllerServiceAccount = "alb-controller-sa";
export const albGatewayClassName = "azure-alb-external";

export interface AksAppGatewayArgs {
  /** Resource group of the gateway and its identity; the controller configures the gateway within it. */
  resourceGroupName: pulumi.Input<string>;
  /** That resource group's id, the scope of the controller's configuration role. */
  resourceGroupId: pulumi.Input<string>;
  location: pulumi.Input<string>;
  subscriptionId: pulumi.Input<string>;
  /** Name of the gateway (the traffic controller), e.g. `agc-<base>`. */
  gatewayName: string;
  /** Name of the controller's managed identity. */
  identityName: string;
  /** The subnet delegated to `Microsoft.ServiceNetworking/trafficControllers`, which the gateway joins. */
  subnetId: pulumi.Input<string>;
  /** The cluster's OIDC issuer, which the controller's federated credential trusts. */
  oidcIssuerUrl: pulumi.Input<string>;
  /** The id of the cluster's node resource group (`MC_...`), which the controller reads. */
  nodeResourceGroupId: pulumi.Input<string>;
  /** The cluster's Kubernetes provider, for the controller's chart. */
  provider: Provider;
  /** What the controller's pods need first: the cluster and its node pools. */
  waitFor: pulumi.Resource[];
  /** The certificate's vault, and the identity that fetches the certificate from it (the app's secrets reader). */
  certificate: { keyVaultId: string; readerPrincipalId: pulumi.Input<string> };
  /**
   * How long the subnet association may take to create or delete; Azure takes five to ten minutes, and
   * its delete sometimes answers 409 while the gateway still drains.
   * @default "30m"
   */
  associationTimeout?: string;
  /**
   * Tags for the Azure resources.
   * @default {}
   */
  tags?: Record<string, string>;
}

/**
 * Application Gateway for Containers in its bring-your-own form: the gateway, one frontend (its public
 * FQDN), the association with its delegated subnet, and the ALB Controller that turns the cluster's
 * Gateways and HTTPRoutes into the gateway's configuration, acting as a workload identity with the
 * three roles Microsoft documents for it. Gateways depend on `readiness`: the controller must be
 * running, and allowed to act, both when they are programmed and when they are deleted.
 */
export class AksAppGateway extends pulumi.ComponentResource {
  readonly trafficController: servicenetworking.TrafficControllerInterface;
  readonly frontend: servicenetworking.FrontendsInterface;
  readonly association: servicenetworking.AssociationsInterface;
  readonly controllerIdentity: AksWorkloadIdentity;
  readonly roleAssignments: authorization.RoleAssignment[];
  /** The app's reader of the certificate vault. */
  readonly certificateAccess: authorization.RoleAssignment;
  readonly release: helm.Release;
  /** What Gateways and routes need before they are made, and until they are deleted. */
  readonly readiness: pulumi.Resource[];

  constructor(name: string, args: AksAppGatewayArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksAppGateway", name, {}, opts);
    const tags = args.tags ?? {};
    const common = { resourceGroupName: args.resourceGroupName, location: args.location, tags };
    const role = (id: string) => pulumi.output(args.subscriptionId).apply((sub) => roleDefinitionId(sub, id));

    this.trafficController = new servicenetworking.TrafficControllerInterface(
      `${name}-gateway`,
      { trafficControllerName: args.gatewayName, ...common },
      { parent: this },
    );
    this.frontend = new servicenetworking.FrontendsInterface(
      `${name}-frontend`,
      { frontendName: "web", trafficControllerName: this.trafficController.name, ...common },
      { parent: this },
    );
    const timeout = args.associationTimeout ?? "30m";
    this.association = new servicenetworking.AssociationsInterface(
      `${name}-association`,
      { associationName: "nodes-vnet", trafficControllerName: this.trafficController.name, associationType: "subnets", subnet: { id: args.subnetId }, ...common },
      { parent: this, customTimeouts: { create: timeout, update: timeout, delete: timeout } },
    );

    this.controllerIdentity = new AksWorkloadIdentity(
      `${name}-controller`,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        identityName: args.identityName,
        oidcIssuerUrl: args.oidcIssuerUrl,
        namespace: albControllerNamespace,
        serviceAccountName: albControllerServiceAccount,
        tags,
      },
      { parent: this },
    );
    const grant = (logical: string, scope: pulumi.Input<string>, roleId: string) =>
      new authorization.RoleAssignment(
        `${name}-${logical}`,
        { scope, roleDefinitionId: role(roleId), principalId: this.controllerIdentity.principalId, principalType: "ServicePrincipal" },
        { parent: this },
      );
    this.roleAssignments = [
      // Writes the gateway's frontends, routes and backends, which live in this resource group.
      grant("configuration-manager", args.resourceGroupId, roles.appGatewayForContainersConfigurationManager),
      // Joins the gateway to the subnet.
      grant("subnet-network-contributor", args.subnetId, roles.networkContributor),
      // Reads the nodes' network interfaces, to send traffic straight to pod IPs.
      grant("node-group-reader", args.nodeResourceGroupId, roles.reader),
    ];
    this.certificateAccess = new authorization.RoleAssignment(
      `${name}-certificate-reader`,
      {
        scope: args.certificate.keyVaultId,
        roleDefinitionId: role(roles.keyVaultSecretsUser),
        principalId: args.certificate.readerPrincipalId,
        principalType: "ServicePrincipal",
      },
      { parent: this },
    );

    this.release = new helm.Release(
      `${name}-controller-release`,
      {
        name: "alb-controller",
        // The chart makes the controller's own namespace (albController.namespace) and keeps its release here.
        namespace: "default",
        chart: albControllerChart.chart,
        version: albControllerChart.version,
        values: {
          albController: { namespace: albControllerNamespace, podIdentity: { clientID: this.controllerIdentity.clientId } },
        },
        atomic: true,
        timeout: 600,
      },
      {
        parent: this,
        provider: args.provider,
        // Its first reconcile needs the identity to be federated and allowed; and on destroy it must
        // outlive the Gateways whose configuration it removes from the gateway.
        dependsOn: [...args.waitFor, this.controllerIdentity.federation, ...this.roleAssignments],
      },
    );

    this.readiness = [this.release, this.association, this.frontend, this.certificateAccess, ...this.roleAssignments, this.controllerIdentity.federation];
    this.registerOutputs({
      gatewayId: this.trafficController.id,
      frontendFqdn: this.frontend.fqdn,
      controllerClientId: this.controllerIdentity.clientId,
    });
  }

  /**
   * The app's exposure through this gateway: a Gateway of the controller's class tied to this gateway and
   * its frontend, for the host name, with the certificate that the reader fetches from its vault.
   */
  exposure(https: {
    hostname: string;
    certificateName: string;
    keyVaultName: string;
    readerClientId: pulumi.Input<string>;
    tenantId: pulumi.Input<string>;
  }): Extract<Exposure, { kind: "gateway" }> {
    return {
      kind: "gateway",
      gatewayClassName: albGatewayClassName,
      annotations: this.trafficController.id.apply((id): Record<string, string> => ({ "alb.networking.azure.io/alb-id": id })),
      addresses: this.frontend.name.apply((frontend) => [{ type: "alb.networking.azure.io/alb-frontend", value: frontend }]),
      address: this.frontend.fqdn,
      hostname: https.hostname,
      certificate: {
        provider: "azure",
        parameters: pulumi.all([https.readerClientId, https.tenantId]).apply(([clientID, tenantID]): Record<string, string> => ({
          usePodIdentity: "false",
          clientID,
          keyvaultName: https.keyVaultName,
          tenantID,
        })),
        objectName: https.certificateName,
      },
      dependsOn: this.readiness,
    };
  }
}
