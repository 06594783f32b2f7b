import * as iam from "@pulumi/aws/iam/index.js";
import * as pulumi from "@pulumi/pulumi";
import { irsaTrustPolicy, managedPolicyArn, type PolicyDocument } from "./iam-policies.js";

export interface IrsaRoleArgs {
  /** The ARN of the cluster's IAM OIDC provider. */
  oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<id>`). */
  issuerUrl: pulumi.Input<string>;
  /** The namespace of the one service account that may assume the role. */
  namespace: string;
  /** The name of that service account. */
  serviceAccount: string;
  /** The AWS partition, for managed policy ARNs. */
  partition: pulumi.Input<string>;
  /** AWS managed policies to attach, by name (`AmazonEKS_CNI_Policy`). @default [] */
  managedPolicies?: readonly string[];
  /** A policy of our own to create and attach, such as the Load Balancer Controller's. @default - none */
  policy?: PolicyDocument | pulumi.Output<PolicyDocument>;
  /** Tags on the role and policy. @default {} */
  tags?: Record<string, string>;
}

/**
 * IAM Roles for Service Accounts: a role that exactly one Kubernetes service account can assume through
 * the cluster's OIDC provider, with the policies its workload needs.
 */
export class IrsaRole extends pulumi.ComponentResource {
  readonly role: iam.Role;
  readonly arn: pulumi.Output<string>;
  /** The role's policy attachments: its workload must not run (or be removed) without them. */
  readonly attachments: iam.RolePolicyAttachment[];

  constructor(name: string, args: IrsaRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:IrsaRole", name, {}, opts);
    const tags = args.tags ?? {};
    const managed = args.managedPolicies ?? [];
    if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(args.namespace)) throw new Error(`namespace: ${JSON.stringify(args.namespace)} is not a namespace name`);
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(args.serviceAccount)) {
      throw new Error(`serviceAccount: ${JSON.stringify(args.serviceAccount)} is not a service account name`);
    }
    if (managed.length === 0 && !args.policy) throw new Error("managedPolicies or policy: a role with no permissions has no use");

    const trust = pulumi
      .all([args.oidcProviderArn, args.issuerUrl])
      .apply(([oidcProviderArn, issuerUrl]) =>
        JSON.stringify(irsaTrustPolicy({ oidcProviderArn, issuerUrl, namespace: args.namespace, serviceAccount: args.serviceAccount })),
      );
    this.role = new iam.Role(
      `${name}-role`,
      { assumeRolePolicy: trust, description: `IRSA for ${args.namespace}/${args.serviceAccount}`, tags },
      { parent: this },
    );
    const partition = pulumi.output(args.partition);
    this.attachments = managed.map(
      (policy) =>
        new iam.RolePolicyAttachment(
          `${name}-${policy.replace(/^.*\//, "")}`,
          { role: this.role.name, policyArn: partition.apply((p) => managedPolicyArn(p, policy)) },
          { parent: this },
        ),
    );
    if (args.policy) {
      const policy = new iam.Policy(
        `${name}-policy`,
        { description: `Permissions of ${args.namespace}/${args.serviceAccount}`, policy: pulumi.output(args.policy).apply((p) => JSON.stringify(p)), tags },
        { parent: this },
      );
      this.attachments.push(new iam.RolePolicyAttachment(`${name}-policy`, { role: this.role.name, policyArn: policy.arn }, { parent: this }));
    }
    this.arn = this.role.arn;
    this.registerOutputs({ arn: this.arn });
  }
}
