import * as managedidentity from "@pulumi/azure-native/managedidentity/index.js";
import * as pulumi from "@pulumi/pulumi";

/** The audience Entra ID exchanges a Kubernetes service account token for, in workload identity. */
export const workloadIdentityAudience = "api://AzureADTokenExchange";

export interface AksWorkloadIdentityArgs {
  /** Resource group of the identity. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the identity. */
  location: pulumi.Input<string>;
  /** Name of the user-assigned identity. */
  identityName: string;
  /** The cluster's OIDC issuer URL, which signs the service account tokens Entra ID trusts. */
  oidcIssuerUrl: pulumi.Input<string>;
  /** The namespace of the one ServiceAccount that acts as the identity. */
  namespace: string;
  /** That ServiceAccount's name. */
  serviceAccountName: string;
  /**
   * Tags for the identity.
   * @default {}
   */
  tags?: Record<string, string>;
}

/**
 * A user-assigned identity that exactly one Kubernetes ServiceAccount of the cluster can act as,
 * through a federated credential on the cluster's OIDC issuer (Microsoft Entra Workload ID): pods
 * running as that ServiceAccount get its tokens, and no other pod, and no node, does.
 */
export class AksWorkloadIdentity extends pulumi.ComponentResource {
  readonly identity: managedidentity.UserAssignedIdentity;
  readonly federation: managedidentity.FederatedIdentityCredential;
  readonly clientId: pulumi.Output<string>;
  readonly principalId: pulumi.Output<string>;
  /** The ServiceAccount to create, as the ClusterTarget's secret store names it. */
  readonly serviceAccount: { namespace: string; name: string; annotations: pulumi.Output<Record<string, string>> };

  constructor(name: string, args: AksWorkloadIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksWorkloadIdentity", name, {}, opts);
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(args.namespace) || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(args.serviceAccountName)) {
      throw new Error(`AksWorkloadIdentity ${name}: ${args.namespace}/${args.serviceAccountName} is not a namespace and ServiceAccount name`);
    }
    this.identity = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      { resourceName: args.identityName, resourceGroupName: args.resourceGroupName, location: args.location, tags: args.tags ?? {} },
      { parent: this },
    );
    this.federation = new managedidentity.FederatedIdentityCredential(
      `${name}-federation`,
      {
        federatedIdentityCredentialResourceName: `${args.namespace}-${args.serviceAccountName}`,
        resourceName: this.identity.name,
        resourceGroupName: args.resourceGroupName,
        issuer: args.oidcIssuerUrl,
        subject: `system:serviceaccount:${args.namespace}:${args.serviceAccountName}`,
        audiences: [workloadIdentityAudience],
      },
      { parent: this },
    );
    this.clientId = this.identity.clientId;
    this.principalId = this.identity.principalId;
    this.serviceAccount = {
      namespace: args.namespace,
      name: args.serviceAccountName,
      // The CSI driver takes the client id from the SecretProviderClass; the annotation says which identity
      // the account stands for, for people and for SDKs in the pod.
      annotations: this.clientId.apply((clientId): Record<string, string> => ({ "azure.workload.identity/client-id": clientId })),
    };
    this.registerOutputs({ clientId: this.clientId, principalId: this.principalId, federationId: this.federation.id });
  }
}
