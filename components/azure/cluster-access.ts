import * as containerservice from "@pulumi/azure-native/containerservice/index.js";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { decodeKubeconfig, useKubeloginMode, type KubeloginMode } from "./kubeconfig.js";

export interface AksClusterAccessArgs {
  /** Resource group of the cluster. */
  resourceGroupName: pulumi.Input<string>;
  /** Name of the cluster; an output of the cluster, so the credentials are read once it exists. */
  clusterName: pulumi.Input<string>;
  /**
   * The cluster signs in through Entra ID: the kubeconfig runs kubelogin, which must be on PATH.
   * @default false
   */
  entraId?: boolean;
  /**
   * kubelogin's sign-in mode with Entra ID.
   * @default "azurecli"
   */
  kubeloginMode?: KubeloginMode;
  /**
   * Role assignments the kubeconfig's identity needs before the API server accepts its calls, such as the
   * deployer's AKS RBAC Cluster Admin role with Entra ID. The provider waits for them, so every
   * Kubernetes object is created after them and deleted before them.
   * @default []
   */
  accessRoles?: pulumi.Resource[];
  /**
   * Drop Kubernetes resources from state when the cluster is unreachable, so a deleted cluster does not
   * block `pulumi destroy`. Off where an unreachable API (a private cluster, a network blip) must
   * never be mistaken for a deleted one.
   * @default false
   */
  deleteUnreachable?: boolean;
}

/**
 * The user kubeconfig of the cluster, as a Pulumi secret, and the Kubernetes provider built from it.
 * The kubeconfig depends on the resource group and cluster names only, which never change for a
 * cluster; its content changes only when the cluster's certificates are rotated, its sign-in mode
 * changes (Entra ID, local accounts) or it is re-created, and each of those rightly updates the provider.
 */
export class AksClusterAccess extends pulumi.ComponentResource {
  readonly kubeconfig: pulumi.Output<string>;
  readonly provider: k8s.Provider;

  constructor(name: string, args: AksClusterAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksClusterAccess", name, {}, opts);
    const entraId = args.entraId ?? false;
    const mode = args.kubeloginMode ?? "azurecli";
    const accessRoles = args.accessRoles ?? [];

    const credentials = containerservice.listManagedClusterUserCredentialsOutput(
      {
        resourceGroupName: args.resourceGroupName,
        resourceName: args.clusterName,
        // exec: kubelogin; the legacy azure auth-provider format no longer works with current kubectl.
        ...(entraId ? { format: "exec" } : {}),
      },
      { parent: this },
    );
    this.kubeconfig = pulumi.secret(
      credentials.kubeconfigs.apply((kubeconfigs) => {
        const first = kubeconfigs[0];
        if (!first) throw new Error(`AksClusterAccess ${name}: the cluster returned no user kubeconfig`);
        const decoded = decodeKubeconfig(first.value);
        return entraId ? useKubeloginMode(decoded, mode) : decoded;
      }),
    );

    this.provider = new k8s.Provider(
      `${name}-provider`,
      { kubeconfig: this.kubeconfig, enableServerSideApply: true, deleteUnreachable: args.deleteUnreachable ?? false },
      // Nothing in the kubeconfig comes from the role assignments, yet with Azure RBAC the API server
      // answers 403 without them: objects must wait for them on `up`, and go before them on `destroy`.
      { parent: this, dependsOn: accessRoles },
    );

    this.registerOutputs({ kubeconfig: this.kubeconfig });
  }
}
