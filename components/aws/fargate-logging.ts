import * as cloudwatch from "@pulumi/aws/cloudwatch/index.js";
import * as iam from "@pulumi/aws/iam/index.js";
import * as core from "@pulumi/kubernetes/core/v1/index.js";
import * as networking from "@pulumi/kubernetes/networking/v1/index.js";
import type { Provider } from "@pulumi/kubernetes/provider.js";
import * as pulumi from "@pulumi/pulumi";

/** The namespace and ConfigMap Fargate's built-in log router reads its configuration from; EKS fixes both names. */
export const fargateLoggingNamespace = "aws-observability";
export const fargateLoggingConfigMap = "aws-logging";

export interface FargateLoggingArgs {
  /** The cluster's name; the log group is `/aws/eks/<cluster>/fargate`. */
  clusterName: string;
  /** The region the log group is in. */
  region: string;
  /** The role Fargate starts pods with; its log router writes as this role. */
  podExecutionRole: iam.Role;
  /** The cluster's Kubernetes provider. */
  provider: Provider;
  /** Days the pods' logs are kept; a retention CloudWatch Logs accepts. */
  retentionDays: number;
  /** Tags on the log group and the policy. @default {} */
  tags?: Record<string, string>;
}

/** The router's output: every container's log lines to the group, a stream per container. */
export function fargateOutputConfig(region: string, logGroupName: string): string {
  return [
    "[OUTPUT]",
    "    Name cloudwatch_logs",
    "    Match kube.*",
    `    region ${region}`,
    `    log_group_name ${logGroupName}`,
    "    log_stream_prefix fargate-",
    // The group is ours, with its retention; the router must not make one that nothing deletes.
    "    auto_create_group false",
    "",
  ].join("\n");
}

/**
 * Logs of the pods that run on Fargate, in CloudWatch: Fargate runs a Fluent Bit log router beside each
 * pod, configured by the `aws-logging` ConfigMap in the `aws-observability` namespace, and writing as the
 * pod execution role. A pod gets logging only if the ConfigMap exists when it starts, so workloads on
 * Fargate wait for it.
 */
export class FargateLogging extends pulumi.ComponentResource {
  readonly logGroup: cloudwatch.LogGroup;
  /** What Fargate pods wait for: the router's configuration and the role's permission to write. */
  readonly readiness: pulumi.Resource[];

  constructor(name: string, args: FargateLoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:FargateLogging", name, {}, opts);
    const tags = args.tags ?? {};
    const logGroupName = `/aws/eks/${args.clusterName}/fargate`;

    this.logGroup = new cloudwatch.LogGroup(`${name}-logs`, { name: logGroupName, retentionInDays: args.retentionDays, tags }, { parent: this });
    // Only what the router calls, on this group alone: it finds or makes its streams and writes to them.
    const writeLogs = new iam.RolePolicy(
      `${name}-write`,
      {
        role: args.podExecutionRole.name,
        policy: this.logGroup.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Effect: "Allow",
                Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
                Resource: [arn, `${arn}:log-stream:*`],
              },
            ],
          }),
        ),
      },
      { parent: this },
    );

    const namespace = new core.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: fargateLoggingNamespace,
          // It holds configuration only: no pod may run there, and none may talk to it.
          labels: { "aws-observability": "enabled", "pod-security.kubernetes.io/enforce": "restricted" },
        },
      },
      { parent: this, provider: args.provider },
    );
    new networking.NetworkPolicy(
      `${name}-deny-all`,
      {
        metadata: { name: "default-deny", namespace: namespace.metadata.name },
        spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      },
      { parent: this, provider: args.provider },
    );
    const config = new core.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: fargateLoggingConfigMap, namespace: namespace.metadata.name },
        data: {
          "output.conf": fargateOutputConfig(args.region, logGroupName),
          // The router's own logs stay out of CloudWatch.
          flb_log_cw: "false",
        },
      },
      { parent: this, provider: args.provider, dependsOn: [writeLogs] },
    );
    this.readiness = [config, writeLogs];
    this.registerOutputs({ logGroupName: this.logGroup.name });
  }
}
