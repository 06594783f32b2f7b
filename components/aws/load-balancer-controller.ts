import { readFileSync } from "node:fs";
import * as helm from "@pulumi/kubernetes/helm/v3/index.js";
import type { Provider } from "@pulumi/kubernetes/provider.js";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyDocument } from "./iam-policies.js";
import { IrsaRole } from "./irsa-role.js";

/** The chart, pinned; its controller's IAM policy is kept beside it (policies/README.md). */
export const loadBalancerControllerChart = {
  repo: "https://aws.github.io/eks-charts",
  chart: "aws-load-balancer-controller",
  version: "1.13.4",
  appVersion: "v2.13.4",
} as const;

const policyFile = new URL("./policies/aws-load-balancer-controller-iam-policy.json", import.meta.url);

/** The controller's published least-privilege policy, with its ARNs in the given partition. */
export function loadBalancerControllerPolicy(partition = "aws"): PolicyDocument {
  const published = readFileSync(policyFile, "utf8");
  return JSON.parse(published.replaceAll('"arn:aws:', `"arn:${partition}:`)) as PolicyDocument;
}

export interface LoadBalancerControllerArgs {
  /** The cluster's name; the controller tags what it creates with it. */
  clusterName: pulumi.Input<string>;
  /** The cluster's region: given explicitly because pods cannot read it from IMDS (hop limit 1). */
  region: string;
  /** The cluster's VPC: given explicitly for the same reason. */
  vpcId: pulumi.Input<string>;
  /** The cluster's IAM OIDC provider ARN, for the controller's IRSA role. */
  oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer URL. */
  issuerUrl: pulumi.Input<string>;
  /** The AWS partition, for the policy's ARNs. */
  partition: pulumi.Input<string>;
  /** The provider of the cluster the controller runs in. */
  provider: Provider;
  /** Controller replicas; two or more get a PodDisruptionBudget. @default 2 */
  replicas?: number;
  /** The IngressClass the chart creates for ALB Ingresses. @default "alb" */
  ingressClassName?: string;
  /** Seconds Helm waits for the controller to be ready. @default 600 */
  timeoutSeconds?: number;
  /** What the controller's pods need before they can start: nodes and pod networking. @default [] */
  waitFor?: pulumi.Resource[];
  /** Tags on the IAM role and policy. @default {} */
  tags?: Record<string, string>;
}

const namespace = "kube-system";
const serviceAccount = "aws-load-balancer-controller";

/**
 * The AWS Load Balancer Controller: turns Ingresses of class `alb` into ALBs with IP targets. Its IRSA
 * role carries the controller's own published policy; the Helm chart creates the service account with
 * the role's annotation and the IngressClass.
 */
export class LoadBalancerController extends pulumi.ComponentResource {
  readonly release: helm.Release;
  readonly ingressClassName: string;
  readonly role: IrsaRole;

  constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:LoadBalancerController", name, {}, opts);
    const replicas = args.replicas ?? 2;
    const ingressClassName = args.ingressClassName ?? "alb";
    const timeoutSeconds = args.timeoutSeconds ?? 600;
    const waitFor = args.waitFor ?? [];
    const tags = args.tags ?? {};
    if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`replicas: ${replicas} is not a positive integer`);

    this.role = new IrsaRole(
      `${name}-irsa`,
      {
        oidcProviderArn: args.oidcProviderArn,
        issuerUrl: args.issuerUrl,
        namespace,
        serviceAccount,
        partition: args.partition,
        policy: pulumi.output(args.partition).apply(loadBalancerControllerPolicy),
        tags,
      },
      { parent: this },
    );
    this.ingressClassName = ingressClassName;
    this.release = new helm.Release(
      `${name}-release`,
      {
        name: serviceAccount,
        namespace,
        chart: loadBalancerControllerChart.chart,
        version: loadBalancerControllerChart.version,
        repositoryOpts: { repo: loadBalancerControllerChart.repo },
        values: {
          clusterName: args.clusterName,
          region: args.region,
          vpcId: args.vpcId,
          replicaCount: replicas,
          serviceAccount: { create: true, name: serviceAccount, annotations: { "eks.amazonaws.com/role-arn": this.role.arn } },
          // One IngressClass, owned by the chart, so it lives and goes with the controller it names.
          createIngressClassResource: true,
          ingressClass: ingressClassName,
          ingressClassConfig: { default: false },
          // We expose through Ingresses only; the Service webhook would take over every LoadBalancer Service.
          enableServiceMutatorWebhook: false,
          // No Ingress of ours asks for Shield or WAF; left on, the controller asks Shield for its subscription on
          // every reconcile, which fails from private subnets, since neither has a VPC endpoint.
          enableShield: false,
          enableWaf: false,
          enableWafv2: false,
          ...(replicas > 1 ? { podDisruptionBudget: { maxUnavailable: 1 } } : {}),
          // It runs where the system runs: on nodes tainted for critical add-ons, where there are such.
          tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
        },
        timeout: timeoutSeconds,
        // A failed install or upgrade rolls back and removes what it created, so the next `up` starts clean.
        atomic: true,
        cleanupOnFail: true,
        maxHistory: 5,
      },
      {
        parent: this,
        provider: args.provider,
        // The controller needs nodes and pod networking to start, and its AWS permissions from the start
        // to the end: on destroy it deletes the ALBs of the Ingresses removed before it.
        dependsOn: [...waitFor, ...this.role.attachments],
      },
    );
    this.registerOutputs({ releaseName: this.release.name, ingressClassName, roleArn: this.role.arn });
  }
}
