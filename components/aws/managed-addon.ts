import * as eks from "@pulumi/aws/eks/index.js";
import * as pulumi from "@pulumi/pulumi";
import { IrsaRole } from "./irsa-role.js";

export type AddonVersionChoice = "default" | "latest";

export interface ManagedAddonArgs {
  /** The cluster to install the add-on in. */
  clusterName: pulumi.Input<string>;
  /** The add-on's EKS name: `vpc-cni`, `coredns`, `kube-proxy`, `aws-ebs-csi-driver`, `metrics-server`. */
  addonName: string;
  /** The cluster's Kubernetes version, which the add-on version must fit. */
  kubernetesVersion: string;
  /** A fixed add-on version such as `v1.19.5-eksbuild.1`. @default - the version `versionChoice` picks */
  version?: string;
  /**
   * Which version EKS offers for `kubernetesVersion` the add-on runs, when `version` is unset: `default`,
   * the one EKS marks as the default, which moves rarely; or `latest`, its newest build, which moves
   * whenever AWS publishes one, and with it the add-on on the next `pulumi up`.
   * @default "default"
   */
  versionChoice?: AddonVersionChoice;
  /** Add-on configuration, as the add-on's configuration schema defines it. @default - none */
  configurationValues?: Record<string, unknown>;
  /**
   * The add-on's service account and the AWS managed policies it needs through IRSA.
   * @default - the add-on runs without an AWS role of its own
   */
  irsa?: {
    namespace: string;
    serviceAccount: string;
    managedPolicies: readonly string[];
    oidcProviderArn: pulumi.Input<string>;
    issuerUrl: pulumi.Input<string>;
    partition: pulumi.Input<string>;
  };
  /** What the add-on's pods need before EKS can report it active, such as nodes to run on. @default [] */
  waitFor?: pulumi.Resource[];
  /** Tags on the add-on and its role. @default {} */
  tags?: Record<string, string>;
}

/**
 * An EKS managed add-on at a version that fits the cluster, with its own IRSA role where it calls AWS.
 * Conflicts resolve to OVERWRITE on create and update: the add-on's configuration lives in
 * `configurationValues`, so edits made to its objects by hand are drift, reset on the next update.
 */
export class ManagedAddon extends pulumi.ComponentResource {
  readonly addon: eks.Addon;
  readonly role?: IrsaRole;

  constructor(name: string, args: ManagedAddonArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:ManagedAddon", name, {}, opts);
    const waitFor = args.waitFor ?? [];
    const versionChoice = args.versionChoice ?? "default";
    const tags = args.tags ?? {};
    if (args.version !== undefined && !/^v\d+\.\d+\.\d+-eksbuild\.\d+$/.test(args.version)) {
      throw new Error(`version: ${JSON.stringify(args.version)} is not an add-on version such as v1.19.5-eksbuild.1`);
    }

    const version =
      args.version ??
      eks.getAddonVersionOutput(
        { addonName: args.addonName, kubernetesVersion: args.kubernetesVersion, mostRecent: versionChoice === "latest" },
        { parent: this },
      ).version;
    if (args.irsa) {
      this.role = new IrsaRole(`${name}-irsa`, { ...args.irsa, tags }, { parent: this });
    }
    this.addon = new eks.Addon(
      `${name}-addon`,
      {
        clusterName: args.clusterName,
        addonName: args.addonName,
        addonVersion: version,
        configurationValues: args.configurationValues ? JSON.stringify(args.configurationValues) : undefined,
        serviceAccountRoleArn: this.role?.arn,
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        tags,
      },
      {
        parent: this,
        // The pods start with the role's permissions in place, and keep them until they are gone; and
        // EKS waits for the pods to run before it reports the add-on active.
        dependsOn: [...(this.role?.attachments ?? []), ...waitFor],
        customTimeouts: { create: "30m", update: "30m", delete: "20m" },
      },
    );
    this.registerOutputs({ addonName: args.addonName, addonVersion: this.addon.addonVersion });
  }
}
