import * as iam from "@pulumi/aws/iam/index.js";
import * as pulumi from "@pulumi/pulumi";
import { fargateTrustPolicy, managedPolicies, managedPolicyArn, serviceTrustPolicy, type PolicyDocument } from "./iam-policies.js";

export interface ClusterRolesArgs {
  /** The EKS cluster's name; the Fargate role is trusted for this cluster's profiles only. */
  clusterName: string;
  /** The AWS partition (`aws`, `aws-cn`, `aws-us-gov`), for managed policy and profile ARNs. */
  partition: pulumi.Input<string>;
  /** The account the cluster lives in. */
  accountId: pulumi.Input<string>;
  /** The cluster's region. */
  region: string;
  /**
   * EKS Auto Mode: the cluster's role also gets the policies Auto Mode acts with, and the nodes' role the
   * minimal ones Auto Mode's nodes take (AWS docs: Auto Mode cluster IAM role, node IAM role). @default false
   */
  autoMode?: boolean;
  /**
   * A role of its own for the nodes Karpenter launches, as upstream has it: EKS manages the access entry of
   * a managed node group's role, which Karpenter's nodes must not share, and the controller may pass this
   * role alone. @default false
   */
  karpenterNodes?: boolean;
  /** Tags on every role. @default {} */
  tags?: Record<string, string>;
}

/**
 * The three roles an EKS cluster runs with: the control plane's, the nodes', and the one Fargate uses
 * to start pods. Each has only the AWS managed policies its job needs.
 */
export class ClusterRoles extends pulumi.ComponentResource {
  readonly clusterRole: iam.Role;
  readonly nodeRole: iam.Role;
  readonly fargateRole: iam.Role;
  /** The role of Karpenter's nodes, with the node policies, when asked for. */
  readonly karpenterNodeRole?: iam.Role;
  readonly karpenterNodePolicies: iam.RolePolicyAttachment[] = [];
  /** The policy attachments of each role: what uses a role waits for its permissions too. */
  readonly clusterPolicies: iam.RolePolicyAttachment[];
  readonly nodePolicies: iam.RolePolicyAttachment[];
  readonly fargatePolicies: iam.RolePolicyAttachment[];

  constructor(name: string, args: ClusterRolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:ClusterRoles", name, {}, opts);
    const tags = args.tags ?? {};

    // TagSession lets EKS pass session tags, which the current EKS cluster role trust policy includes.
    this.clusterRole = this.role(`${name}-cluster`, serviceTrustPolicy("eks.amazonaws.com", ["sts:AssumeRole", "sts:TagSession"]), tags);
    const autoMode = args.autoMode ?? false;
    const clusterPolicies = [...managedPolicies.cluster, ...(autoMode ? managedPolicies.autoModeCluster : [])];
    this.clusterPolicies = this.attach(`${name}-cluster`, this.clusterRole, clusterPolicies, args.partition);

    this.nodeRole = this.role(`${name}-node`, serviceTrustPolicy("ec2.amazonaws.com"), tags);
    this.nodePolicies = this.attach(`${name}-node`, this.nodeRole, autoMode ? managedPolicies.autoModeNode : managedPolicies.node, args.partition);

    if (args.karpenterNodes) {
      this.karpenterNodeRole = this.role(`${name}-karpenter-node`, serviceTrustPolicy("ec2.amazonaws.com"), tags);
      this.karpenterNodePolicies = this.attach(`${name}-karpenter-node`, this.karpenterNodeRole, managedPolicies.node, args.partition);
    }

    const fargateTrust = pulumi
      .all([args.partition, args.accountId])
      .apply(([partition, accountId]) =>
        JSON.stringify(fargateTrustPolicy({ partition, accountId, region: args.region, clusterName: args.clusterName })),
      );
    this.fargateRole = this.role(`${name}-fargate`, fargateTrust, tags);
    this.fargatePolicies = this.attach(`${name}-fargate`, this.fargateRole, managedPolicies.fargate, args.partition);

    this.registerOutputs({
      clusterRoleArn: this.clusterRole.arn,
      nodeRoleArn: this.nodeRole.arn,
      fargateRoleArn: this.fargateRole.arn,
    });
  }

  private role(name: string, trust: PolicyDocument | pulumi.Output<string>, tags: Record<string, string>): iam.Role {
    const assumeRolePolicy = pulumi.Output.isInstance(trust) ? trust : JSON.stringify(trust);
    return new iam.Role(name, { assumeRolePolicy, tags }, { parent: this });
  }

  private attach(name: string, role: iam.Role, policies: readonly string[], partition: pulumi.Input<string>): iam.RolePolicyAttachment[] {
    return policies.map(
      (policy) =>
        new iam.RolePolicyAttachment(
          `${name}-${policy.replace(/^.*\//, "")}`,
          { role: role.name, policyArn: pulumi.output(partition).apply((p) => managedPolicyArn(p, policy)) },
          { parent: this },
        ),
    );
  }
}
