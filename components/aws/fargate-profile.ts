import * as eks from "@pulumi/aws/eks/index.js";
import type * as iam from "@pulumi/aws/iam/index.js";
import * as pulumi from "@pulumi/pulumi";

export interface FargateProfileArgs {
  /** The cluster the profile belongs to. */
  clusterName: pulumi.Input<string>;
  /** The role Fargate uses to pull images and write logs for the pods. */
  podExecutionRole: iam.Role;
  /** Private subnets for the pods; Fargate takes no public ones. */
  subnetIds: pulumi.Input<string>[];
  /** The namespace whose labelled pods run on Fargate. */
  namespace: string;
  /** Pods in `namespace` with all of these labels run on Fargate; the rest stay on nodes. */
  podLabels: Record<string, string>;
  /**
   * What Fargate pods need before they start: the execution role's policy and the private subnets'
   * routes to NAT (to pull images). @default []
   */
  waitFor?: pulumi.Resource[];
  /** Tags on the profile. @default {} */
  tags?: Record<string, string>;
}

/** A Fargate profile: the pods it selects run on Fargate, each on its own micro-VM, in private subnets. */
export class FargateProfile extends pulumi.ComponentResource {
  readonly profile: eks.FargateProfile;

  constructor(name: string, args: FargateProfileArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:FargateProfile", name, {}, opts);
    const waitFor = args.waitFor ?? [];
    const tags = args.tags ?? {};
    if (Object.keys(args.podLabels).length === 0) {
      throw new Error("podLabels: at least one label, or every pod of the namespace would leave the nodes");
    }
    if (args.subnetIds.length === 0) throw new Error("subnetIds: Fargate needs at least one private subnet");

    this.profile = new eks.FargateProfile(
      `${name}-profile`,
      {
        clusterName: args.clusterName,
        podExecutionRoleArn: args.podExecutionRole.arn,
        subnetIds: args.subnetIds,
        selectors: [{ namespace: args.namespace, labels: args.podLabels }],
        tags,
      },
      // Pods pull their images through NAT, and Fargate checks the role's permissions up front.
      { parent: this, dependsOn: waitFor },
    );
    this.registerOutputs({ fargateProfileName: this.profile.fargateProfileName });
  }
}
