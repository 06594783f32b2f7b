import * as eks from "@pulumi/aws/eks/index.js";
import * as iam from "@pulumi/aws/iam/index.js";
import { getParameterOutput } from "@pulumi/aws/ssm/index.js";
import { CustomResource } from "@pulumi/kubernetes/apiextensions/index.js";
import * as helm from "@pulumi/kubernetes/helm/v3/index.js";
import type { Provider } from "@pulumi/kubernetes/provider.js";
import * as pulumi from "@pulumi/pulumi";
import { KarpenterInterruptionQueue } from "./interruption-queue.js";
import { IrsaRole } from "./irsa-role.js";
import { karpenterCharts, karpenterControllerPolicies, karpenterVersion, type KarpenterControllerPolicyName } from "./karpenter-policy.js";
import { al2023ReleaseParameter } from "./node-group.js";

/** The default NodePool: what Karpenter may launch, and how much of it. */
export interface KarpenterNodePoolArgs {
  /** The most vCPUs all the pool's nodes may have together; past it Karpenter launches nothing. */
  cpuLimit: number;
  /** The most memory, in GiB, all the pool's nodes may have together. */
  memoryLimitGi: number;
  /** Capacity types to launch; allowed both, Karpenter takes spot where it has some and on-demand otherwise. */
  capacityTypes: ("on-demand" | "spot")[];
  /** How long a node stays empty or underutilized before Karpenter removes or replaces it. @default "1m" */
  consolidateAfter?: string;
  /** EC2 instance categories: `c` compute, `m` general purpose, `r` memory optimized. @default ["c", "m", "r"] */
  instanceCategories?: string[];
  /** CPU architectures; with `arm64`, every image the cluster runs must be built for it. @default ["amd64"] */
  architectures?: ("amd64" | "arm64")[];
}

/** A toleration of the controller's pods. */
export interface KarpenterToleration {
  key: string;
  operator: "Exists" | "Equal";
  /** @default - any value (with `Exists`) */
  value?: string;
  /** @default - every effect */
  effect?: "NoSchedule" | "PreferNoSchedule" | "NoExecute";
}

export interface KarpenterArgs {
  /** The cluster's name: the controller's setting, the queue's name, and the tag scoping its IAM policy. */
  clusterName: pulumi.Input<string>;
  /** The API server's endpoint, given so the controller need not look it up at start. */
  clusterEndpoint: pulumi.Input<string>;
  /** The cluster's Kubernetes version, whose recommended AL2023 release the nodes run. */
  kubernetesVersion: pulumi.Input<string>;
  /** The cluster's region: given explicitly because the controller cannot read it from IMDS (hop limit 1). */
  region: string;
  /** The AWS partition, for the policies' ARNs. */
  partition: pulumi.Input<string>;
  /** The account the cluster lives in, for the policies' ARNs. */
  accountId: pulumi.Input<string>;
  /** The cluster's IAM OIDC provider ARN, for the controller's IRSA role. */
  oidcProviderArn: pulumi.Input<string>;
  /** The cluster's OIDC issuer URL. */
  issuerUrl: pulumi.Input<string>;
  /**
   * The instance role of Karpenter's nodes, with the node policies attached. The EC2NodeClass names it
   * and Karpenter makes the instance profile itself. It must be a role no managed node group uses: EKS
   * creates the access entry of a node group's role itself, and the one made here would then conflict.
   */
  nodeRole: iam.Role;
  /** The provider of the cluster Karpenter runs in. */
  provider: Provider;
  /** The value of the `karpenter.sh/discovery` tag on the private subnets and the node security group. */
  discoveryTag: string;
  /** The default NodePool. */
  nodePool: KarpenterNodePoolArgs;
  /**
   * The AL2023 release the nodes run, as Karpenter's alias version (`v20261115`), to hold nodes on a
   * known-good AMI. @default - the recommended release for `kubernetesVersion`, read from AWS's public SSM
   * parameter on every run, as NodeGroup does: a new AMI reaches the nodes on `pulumi up` (Karpenter
   * replaces the drifted nodes), never on its own as `al2023@latest` would
   */
  amiVersion?: pulumi.Input<string>;
  /** Root volume size of the nodes in GiB (gp3, encrypted). @default 50 */
  nodeVolumeGi?: number;
  /** Controller replicas, each on a node of its own (the chart's required anti-affinity). @default 2 */
  replicas?: number;
  /**
   * The controller's tolerations, which let it run on the tainted system node group; it never runs on
   * the nodes it manages (the chart's node affinity). @default - the chart's own, `CriticalAddonsOnly`
   * with any value and effect, which tolerates the system group's `CriticalAddonsOnly=true:NoSchedule`
   */
  systemTolerations?: KarpenterToleration[];
  /** What the controller's pods need before they start: the system group's nodes, the CNI, CoreDNS. @default [] */
  waitFor?: pulumi.Resource[];
  /** Tags on the AWS resources and on every instance, volume and interface Karpenter launches. @default {} */
  tags?: Record<string, string>;
}

const namespace = "kube-system";
const serviceAccount = "karpenter";
/** The chart's own tolerations (its values.yaml at 1.14.1, `tolerations:`). */
const chartTolerations: KarpenterToleration[] = [{ key: "CriticalAddonsOnly", operator: "Exists" }];
/** Tag keys Karpenter sets on what it launches, which an EC2NodeClass may not set (its CRD refuses them). */
const reservedTagKey = /^(eks:eks-cluster-name|kubernetes\.io\/cluster.*|karpenter\.sh\/nodepool|karpenter\.sh\/nodeclaim|karpenter\.k8s\.aws\/ec2nodeclass)$/;
/** The upstream policies carried as inline policies of the role, besides the one IrsaRole attaches. */
const inlinePolicies: KarpenterControllerPolicyName[] = ["IAMIntegration", "EKSIntegration", "Interruption", "ZonalShift", "ResourceDiscovery"];

/** Karpenter's alias version (`v20261115`) of an EKS AL2023 release (`1.35.2-20261115`). */
function aliasVersion(release: string): string {
  const date = /^\d+\.\d+\.\d+-(\d{8})$/.exec(release)?.[1];
  if (!date) throw new Error(`AL2023 release ${JSON.stringify(release)} is not <kubernetes version>-<yyyymmdd>`);
  return `v${date}`;
}

function validate(args: KarpenterArgs, nodeVolumeGi: number, replicas: number): void {
  const { cpuLimit, memoryLimitGi, capacityTypes, consolidateAfter, instanceCategories, architectures } = args.nodePool;
  if (!(cpuLimit > 0)) throw new Error(`nodePool.cpuLimit: ${cpuLimit} is not a positive number of vCPUs`);
  if (!(memoryLimitGi > 0)) throw new Error(`nodePool.memoryLimitGi: ${memoryLimitGi} is not a positive number of GiB`);
  for (const [key, list] of Object.entries({ capacityTypes, instanceCategories, architectures })) {
    if (list?.length === 0) throw new Error(`nodePool.${key}: an empty list lets the NodePool launch nothing`);
  }
  if (consolidateAfter !== undefined && !/^(([0-9]+(s|m|h))+|Never)$/.test(consolidateAfter)) {
    throw new Error(`nodePool.consolidateAfter: ${JSON.stringify(consolidateAfter)} is not a duration such as 30s, 1m or 1h30m, nor Never`);
  }
  if (!Number.isInteger(nodeVolumeGi) || nodeVolumeGi < 1 || nodeVolumeGi > 16384) throw new Error(`nodeVolumeGi: ${nodeVolumeGi} is not a gp3 size (1-16384 GiB)`);
  if (!Number.isInteger(replicas) || replicas < 1) throw new Error(`replicas: ${replicas} is not a positive integer`);
  if (args.discoveryTag === "") throw new Error("discoveryTag: an empty tag value selects no subnet");
  const reserved = Object.keys(args.tags ?? {}).filter((key) => reservedTagKey.test(key));
  if (reserved.length > 0) throw new Error(`tags: ${reserved.join(", ")} are set by Karpenter itself and refused on an EC2NodeClass`);
}

/**
 * Karpenter: launches EC2 instances for pods that fit on no node, sized and priced for them, and removes
 * or replaces nodes that are empty, underutilized, expired or about to be interrupted. The controller runs
 * on the system node group with an IRSA role; the nodes join through an EC2_LINUX access entry.
 *
 * IRSA rather than EKS Pod Identity, which Karpenter's getting-started guide now uses: every other
 * controller of the cluster runs with IRSA already, and Pod Identity would add its agent add-on, one
 * more moving part that has to run before Karpenter can; for IRSA the chart needs a role annotation only.
 */
export class Karpenter extends pulumi.ComponentResource {
  readonly release: helm.Release;
  readonly crdRelease: helm.Release;
  readonly queue: KarpenterInterruptionQueue;
  readonly role: IrsaRole;
  readonly nodeAccessEntry: eks.AccessEntry;
  readonly nodeClass: CustomResource;
  readonly nodePool: CustomResource;
  /** What workloads that rely on Karpenter's capacity wait for. */
  readonly readiness: pulumi.Resource[];

  constructor(name: string, args: KarpenterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:Karpenter", name, {}, opts);
    const nodeVolumeGi = args.nodeVolumeGi ?? 50;
    const replicas = args.replicas ?? 2;
    const tolerations = args.systemTolerations ?? chartTolerations;
    const waitFor = args.waitFor ?? [];
    const tags = args.tags ?? {};
    const pool = {
      ...args.nodePool,
      consolidateAfter: args.nodePool.consolidateAfter ?? "1m",
      instanceCategories: args.nodePool.instanceCategories ?? ["c", "m", "r"],
      architectures: args.nodePool.architectures ?? ["amd64"],
    };
    validate(args, nodeVolumeGi, replicas);

    this.queue = new KarpenterInterruptionQueue(`${name}-interruption`, { clusterName: args.clusterName, tags }, { parent: this });
    const policies = pulumi
      .all([args.partition, args.accountId, args.clusterName, args.nodeRole.arn, this.queue.queue.arn])
      .apply(([partition, accountId, clusterName, nodeRoleArn, interruptionQueueArn]) =>
        karpenterControllerPolicies({ partition, region: args.region, accountId, clusterName, nodeRoleArn, interruptionQueueArn }),
      );
    // Upstream's six documents exceed one managed policy's 6,144 characters together: the largest is the
    // IRSA role's own policy, and the others are inline policies of the role, named as upstream's.
    this.role = new IrsaRole(
      `${name}-irsa`,
      {
        oidcProviderArn: args.oidcProviderArn,
        issuerUrl: args.issuerUrl,
        namespace,
        serviceAccount,
        partition: args.partition,
        policy: policies.apply((p) => p.NodeLifecycle),
        tags,
      },
      { parent: this },
    );
    const rolePolicies = inlinePolicies.map(
      (policy) =>
        new iam.RolePolicy(
          `${name}-${policy.toLowerCase()}`,
          { role: this.role.role.name, name: `KarpenterController${policy}Policy`, policy: policies.apply((p) => JSON.stringify(p[policy])) },
          { parent: this },
        ),
    );
    // The cluster's authentication mode is API: nodes join through an access entry, not aws-auth.
    this.nodeAccessEntry = new eks.AccessEntry(
      `${name}-node-access`,
      { clusterName: args.clusterName, principalArn: args.nodeRole.arn, type: "EC2_LINUX", tags },
      { parent: this },
    );

    const helmOptions = { namespace, version: karpenterVersion, timeout: 600, atomic: true, cleanupOnFail: true, maxHistory: 5 };
    // The CRDs in a chart of their own, as upstream recommends: Helm never upgrades a chart's `crds/`.
    this.crdRelease = new helm.Release(
      `${name}-crd`,
      { ...helmOptions, name: "karpenter-crd", chart: karpenterCharts.crds },
      // Like every release, it is deleted while the nodes and the API's access are still there.
      { parent: this, provider: args.provider, dependsOn: args.waitFor ?? [] },
    );
    this.release = new helm.Release(
      `${name}-release`,
      {
        ...helmOptions,
        name: "karpenter",
        chart: karpenterCharts.controller,
        skipCrds: true,
        values: {
          settings: { clusterName: args.clusterName, clusterEndpoint: args.clusterEndpoint, interruptionQueue: this.queue.queue.name },
          serviceAccount: { create: true, name: serviceAccount, annotations: { "eks.amazonaws.com/role-arn": this.role.arn } },
          replicas,
          // Set even when it is the chart's own, so a chart that changed it would not strand the controller.
          tolerations,
          controller: {
            env: [{ name: "AWS_REGION", value: args.region }],
            // Upstream's guide: a guaranteed CPU and GiB, so the controller is neither throttled nor evicted.
            resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
          },
        },
      },
      {
        parent: this,
        provider: args.provider,
        // Created after, and so deleted before, what it needs until its last node is gone: its permissions,
        // the queue and rules, the nodes' access entry, and its CRDs.
        dependsOn: [...waitFor, ...this.role.attachments, ...rolePolicies, ...this.queue.readiness, this.nodeAccessEntry, this.crdRelease],
      },
    );

    const amiVersion =
      args.amiVersion ??
      // The alias version is the release date, the same for both architectures.
      getParameterOutput(
        { name: pulumi.output(args.kubernetesVersion).apply((v) => al2023ReleaseParameter(v, "x86_64")) },
        { parent: this },
      ).insecureValue.apply(aliasVersion);
    const discovery = [{ tags: { "karpenter.sh/discovery": args.discoveryTag } }];
    // Deleting these waits on Karpenter's finalizers, which drain and terminate every node it launched.
    const customTimeouts = { delete: "30m" };
    this.nodeClass = new CustomResource(
      `${name}-node-class`,
      {
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: { name: "default" },
        spec: {
          role: args.nodeRole.name,
          amiSelectorTerms: [{ alias: pulumi.interpolate`al2023@${amiVersion}` }],
          subnetSelectorTerms: discovery,
          securityGroupSelectorTerms: discovery,
          // One hop: the node reaches IMDS, a pod behind the node's network namespace does not.
          metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
          blockDeviceMappings: [
            { deviceName: "/dev/xvda", ebs: { volumeSize: `${nodeVolumeGi}Gi`, volumeType: "gp3", encrypted: true, deleteOnTermination: true } },
          ],
          tags,
        },
      },
      { parent: this, provider: args.provider, dependsOn: [this.release, this.crdRelease], customTimeouts },
    );
    this.nodePool = new CustomResource(
      `${name}-node-pool`,
      {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: "default" },
        spec: {
          template: {
            spec: {
              requirements: [
                { key: "kubernetes.io/arch", operator: "In", values: pool.architectures },
                { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
                { key: "karpenter.sh/capacity-type", operator: "In", values: pool.capacityTypes },
                { key: "karpenter.k8s.aws/instance-category", operator: "In", values: pool.instanceCategories },
                // Sixth generation and newer: Nitro instances of today's price-performance.
                { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
              ],
              nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: this.nodeClass.metadata.name },
              // Thirty days: no node runs an AMI or carries drift for longer.
              expireAfter: "720h",
              // A node being replaced waits at most this long for pods that ask not to be disrupted (Redis's);
              // past it Karpenter drains them anyway, so expiry and drift always end.
              terminationGracePeriod: "24h",
            },
          },
          limits: { cpu: pool.cpuLimit, memory: `${pool.memoryLimitGi}Gi` },
          disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: pool.consolidateAfter },
        },
      },
      { parent: this, provider: args.provider, dependsOn: [this.release, this.crdRelease, this.nodeClass], customTimeouts },
    );

    // Destroy runs the dependencies backwards: the NodePool first (its NodeClaims' finalizers drain and
    // terminate the nodes), then the EC2NodeClass (its finalizer waits for its NodeClaims, then deletes the
    // instance profiles and launch templates), then the controller that runs both finalizers, and last what
    // it needed until then: its CRDs, its IAM permissions, the queue and rules, the nodes' access entry.
    this.readiness = [this.release, this.nodeClass, this.nodePool, this.nodeAccessEntry];
    this.registerOutputs({ releaseName: this.release.name, queueName: this.queue.queue.name, roleArn: this.role.arn, nodePoolName: this.nodePool.metadata.name });
  }
}
