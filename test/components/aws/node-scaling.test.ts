import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { DependencyGraph } from "../../../src/plan/lifecycle/graph.js";
import { checkLifecycle } from "../../../src/plan/lifecycle/rules.js";
import { captureStack, type Capture, type CapturedResource } from "../../../src/plan/capture.js";
import { kubernetesObjects } from "../../../src/plan/manifests.js";
import { all, one, policy, transitiveDependencies } from "../../support/capture-helpers.js";

/**
 * Each EKS compute mode in both environments: Karpenter (the default), the Cluster Autoscaler, and Auto
 * Mode. Karpenter's own resources are tested in karpenter.test.ts; here, how the platform wires each mode.
 */
const stacks = {
  karpenter: { dev: {}, prod: {} },
  autoscaler: { dev: { eksCompute: "cluster-autoscaler" }, prod: { eksCompute: "cluster-autoscaler" } },
  auto: { dev: { eksCompute: "auto-mode" }, prod: { eksCompute: "auto-mode" } },
} as const;
type Mode = keyof typeof stacks;
const captures = new Map<string, Capture>();
const c = (mode: Mode, env: "dev" | "prod") => captures.get(`${mode}/${env}`) as Capture;

beforeAll(async () => {
  for (const mode of Object.keys(stacks) as Mode[]) {
    for (const env of ["dev", "prod"] as const) captures.set(`${mode}/${env}`, await captureStack(`${env}-eks`, stacks[mode][env], { offline: true }));
  }
}, 120_000);

const release = (capture: Capture, chart: string) => all(capture, "kubernetes:helm.sh/v3:Release").find((r) => String(r.inputs.chart).includes(chart));
const kube = (capture: Capture, kind: string) => kubernetesObjects(capture).filter((o) => o.kind === kind);
const nodeGroups = (capture: Capture) => all(capture, "aws:eks/nodeGroup:NodeGroup");
const attachedPolicies = (capture: Capture, roleSuffix: string) => {
  const role = one(capture, "aws:iam/role:Role", roleSuffix);
  return all(capture, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
    .filter((a) => a.inputs.role === role.outputs.name)
    .map((a) => String(a.inputs.policyArn).split("/").pop())
    .sort();
};

describe.each(["dev", "prod"] as const)("Karpenter, the default (%s)", (env) => {
  it("runs the system on a fixed group tainted CriticalAddonsOnly, and the rest on Karpenter's NodePool", () => {
    const capture = c("karpenter", env);
    expect(nodeGroups(capture).map((g) => g.inputs.taints)).toEqual([[{ key: "CriticalAddonsOnly", value: "true", effect: "NO_SCHEDULE" }]]);
    const scaling = nodeGroups(capture)[0]?.inputs.scalingConfig as { minSize: number; maxSize: number };
    expect(scaling.minSize).toBe(scaling.maxSize);
    expect(release(capture, "karpenter/karpenter")?.inputs.version).toBe("1.14.1");
    const [pool] = kube(capture, "NodePool") as unknown as { spec: { limits: Record<string, string | number>; template: { spec: { requirements: { key: string; values: string[] }[] } } } }[];
    expect(pool?.spec.limits).toEqual(env === "dev" ? { cpu: 16, memory: "64Gi" } : { cpu: 96, memory: "384Gi" });
    const capacity = pool?.spec.template.spec.requirements.find((r) => r.key === "karpenter.sh/capacity-type");
    expect(capacity?.values).toEqual(["on-demand"]);
    expect(release(capture, "cluster-autoscaler")).toBeUndefined();
  });

  it("asks the node autoscaler of each mode to leave Redis's node alone, since the one Redis pod cannot move without downtime", () => {
    const annotations = (mode: Mode) => (kube(c(mode, env), "StatefulSet")[0] as unknown as { spec: { template: { metadata: { annotations?: Record<string, string> } } } }).spec.template.metadata.annotations;
    expect(annotations("karpenter")).toEqual({ "karpenter.sh/do-not-disrupt": "true" });
    expect(annotations("auto")).toEqual({ "karpenter.sh/do-not-disrupt": "true" });
    expect(annotations("autoscaler")).toEqual({ "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" });
    // Karpenter still replaces an expired or drifted node in the end: the annotation holds it a day at most.
    const [pool] = kube(c("karpenter", env), "NodePool") as unknown as { spec: { template: { spec: { terminationGracePeriod?: string } } } }[];
    expect(pool?.spec.template.spec.terminationGracePeriod).toBe("24h");
  });

  it("reaches its interruption queue through an SQS endpoint in prod, where the VPC has endpoints", () => {
    const sqs = all(c("karpenter", env), "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => String(e.inputs.serviceName).endsWith(".sqs"));
    expect(sqs.map((e) => e.inputs.vpcEndpointType)).toEqual(env === "prod" ? ["Interface"] : []);
    expect(all(c("autoscaler", env), "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => String(e.inputs.serviceName).endsWith(".sqs"))).toEqual([]);
  });

  it("lets Karpenter find the private subnets and the cluster's security group by its discovery tag", () => {
    const capture = c("karpenter", env);
    const cluster = `voting-platform-${env}-eks`;
    const privateSubnets = all(capture, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-private-"));
    for (const subnet of privateSubnets) expect(subnet.inputs.tags).toMatchObject({ "karpenter.sh/discovery": cluster });
    for (const subnet of all(capture, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-public-"))) {
      expect(subnet.inputs.tags).not.toHaveProperty("karpenter.sh/discovery");
    }
    const clusterResource = one(capture, "aws:eks/cluster:Cluster");
    const tag = one(capture, "aws:ec2/tag:Tag", "karpenter-discovery");
    expect(tag.inputs).toEqual({ resourceId: (clusterResource.outputs.vpcConfig as { clusterSecurityGroupId: string }).clusterSecurityGroupId, key: "karpenter.sh/discovery", value: cluster });
  });

  it("gives Karpenter's nodes a role of their own, admitted by an EC2_LINUX access entry, not the system group's", () => {
    const capture = c("karpenter", env);
    const role = one(capture, "aws:iam/role:Role", "karpenter-node");
    const entries = all(capture, "aws:eks/accessEntry:AccessEntry").filter((e) => e.inputs.type === "EC2_LINUX");
    expect(entries.map((e) => e.inputs.principalArn)).toEqual([role.outputs.arn]);
    expect(nodeGroups(capture)[0]?.inputs.nodeRoleArn).not.toBe(role.outputs.arn);
    expect(attachedPolicies(capture, "karpenter-node")).toEqual(attachedPolicies(capture, "roles-node"));
  });

  it("keeps the Load Balancer Controller on the system nodes, and the app waiting for Karpenter", () => {
    const capture = c("karpenter", env);
    expect(release(capture, "aws-load-balancer-controller")?.inputs.values).toMatchObject({ tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }] });
    const redis = one(capture, "kubernetes:apps/v1:StatefulSet");
    const pool = all(capture, "kubernetes:karpenter.sh/v1:NodePool")[0] as CapturedResource;
    expect(transitiveDependencies(capture, redis).map((r) => r.urn)).toContain(pool.urn);
  });

  it("deletes the NodePool and EC2NodeClass, and so Karpenter's instances, before the controller, its queue, roles and the subnets", () => {
    const capture = c("karpenter", env);
    expect(checkLifecycle(new DependencyGraph(capture)).filter((v) => v.rule === "karpenter-nodes-before-controller")).toEqual([]);
    const graph = new DependencyGraph(capture);
    const nodeClass = all(capture, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass")[0] as CapturedResource;
    for (const later of [...all(capture, "aws:sqs/queue:Queue"), ...all(capture, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-private-"))]) {
      expect(graph.deletesBefore(nodeClass.urn, later.urn), later.name).toBe(true);
    }
  });
});

describe.each(["dev", "prod"] as const)("the Cluster Autoscaler (%s)", (env) => {
  it("resizes the configured node groups, finding them by EKS's tags, with no Karpenter", () => {
    const capture = c("autoscaler", env);
    expect(nodeGroups(capture).map((g) => g.inputs.scalingConfig)).toEqual([env === "dev" ? { minSize: 1, maxSize: 3, desiredSize: 2 } : { minSize: 3, maxSize: 6, desiredSize: 3 }]);
    expect(release(capture, "karpenter")).toBeUndefined();
    expect(kube(capture, "NodePool")).toEqual([]);
    const autoscaler = release(capture, "cluster-autoscaler") as CapturedResource;
    const data = JSON.parse(readFileSync(new URL("../../../data/cluster-autoscaler.json", import.meta.url), "utf8")) as { chart: { version: string; repo: string }; images: Record<string, string> };
    const version = String(one(capture, "aws:eks/cluster:Cluster").inputs.version);
    expect(autoscaler.inputs).toMatchObject({ version: data.chart.version, repositoryOpts: { repo: data.chart.repo } });
    expect(autoscaler.inputs.values).toMatchObject({ autoDiscovery: { clusterName: `voting-platform-${env}-eks` }, awsRegion: "eu-west-1", image: { tag: data.images[version] } });
  });

  it("may resize only the groups EKS tagged as this cluster's, through a role for its ServiceAccount alone", () => {
    const capture = c("autoscaler", env);
    const role = all(capture, "aws:iam/role:Role").find((r) => String(r.inputs.assumeRolePolicy).includes("system:serviceaccount:kube-system:cluster-autoscaler")) as CapturedResource;
    expect(role).toBeDefined();
    const inline = all(capture, "aws:iam/rolePolicy:RolePolicy").find((p) => p.inputs.role === role.outputs.name) ?? all(capture, "aws:iam/policy:Policy").find((p) => String(p.inputs.policy).includes("SetDesiredCapacity"));
    const writes = policy(inline as CapturedResource, "policy").Statement.find((s) => JSON.stringify(s.Action).includes("SetDesiredCapacity"));
    expect(writes?.Condition).toEqual({ StringEquals: { [`aws:ResourceTag/k8s.io/cluster-autoscaler/voting-platform-${env}-eks`]: "owned" } });
  });
});

describe.each(["dev", "prod"] as const)("EKS Auto Mode (%s)", (env) => {
  it("turns compute, block storage and load balancing on together, with its node role, and no self-managed add-ons", () => {
    const capture = c("auto", env);
    const cluster = one(capture, "aws:eks/cluster:Cluster");
    const nodeRole = one(capture, "aws:iam/role:Role", "roles-node");
    expect(cluster.inputs).toMatchObject({
      bootstrapSelfManagedAddons: false,
      computeConfig: { enabled: true, nodePools: ["general-purpose", "system"], nodeRoleArn: nodeRole.outputs.arn },
      storageConfig: { blockStorage: { enabled: true } },
      kubernetesNetworkConfig: { elasticLoadBalancing: { enabled: true } },
    });
    expect(attachedPolicies(capture, "roles-cluster")).toEqual(
      ["AmazonEKSBlockStoragePolicy", "AmazonEKSClusterPolicy", "AmazonEKSComputePolicy", "AmazonEKSLoadBalancingPolicy", "AmazonEKSNetworkingPolicy"].sort(),
    );
    expect(attachedPolicies(capture, "roles-node")).toEqual(["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodeMinimalPolicy"]);
  });

  it("installs no node group, CNI, CoreDNS, EBS driver or Load Balancer Controller of its own; only the metrics server", () => {
    const capture = c("auto", env);
    expect(nodeGroups(capture)).toEqual([]);
    expect(all(capture, "aws:eks/addon:Addon").map((a) => a.inputs.addonName)).toEqual(["metrics-server"]);
    expect(all(capture, "kubernetes:helm.sh/v3:Release")).toEqual([]);
    expect(all(capture, "aws:eks/fargateProfile:FargateProfile")).toEqual([]);
  });

  it("exposes the app through Auto Mode's ALB class and keeps Redis on its EBS provisioner", () => {
    const capture = c("auto", env);
    const [ingressClass] = kube(capture, "IngressClass") as unknown as { metadata: { name: string }; spec: { controller: string; parameters: { kind: string; name: string } } }[];
    expect(ingressClass?.spec).toMatchObject({ controller: "eks.amazonaws.com/alb", parameters: { kind: "IngressClassParams" } });
    const [params] = kube(capture, "IngressClassParams") as unknown as { spec: { scheme: string } }[];
    expect(params?.spec.scheme).toBe("internet-facing");
    const [ingress] = kube(capture, "Ingress") as unknown as { spec: { ingressClassName: string } }[];
    expect(ingress?.spec.ingressClassName).toBe(ingressClass?.metadata.name);
    const [storageClass] = kube(capture, "StorageClass") as unknown as { provisioner: string }[];
    expect(storageClass?.provisioner).toBe("ebs.csi.eks.amazonaws.com");
    const [front] = kube(capture, "Deployment") as unknown as { spec: { template: { metadata: { labels: Record<string, string> } } } }[];
    expect(front?.spec.template.metadata.labels).not.toHaveProperty("voting-platform/compute");
  });

  it("enforces NetworkPolicy, which Auto Mode leaves off: the controller's ConfigMap, and the app's nodes from a NodeClass that enforces", () => {
    const capture = c("auto", env);
    const [config] = kube(capture, "ConfigMap").filter((m) => m.metadata?.name === "amazon-vpc-cni") as unknown as { metadata: { namespace: string }; data: Record<string, string> }[];
    expect(config).toMatchObject({ metadata: { namespace: "kube-system" }, data: { "enable-network-policy-controller": "true" } });
    const [nodeClass] = kube(capture, "NodeClass") as unknown as { metadata: { name: string }; spec: { networkPolicy: string; role: string } }[];
    expect(nodeClass?.spec).toMatchObject({ networkPolicy: "DefaultAllow", role: one(capture, "aws:iam/role:Role", "roles-node").outputs.name });
    const [pool] = kube(capture, "NodePool") as unknown as { spec: { weight: number; template: { spec: { nodeClassRef: { group: string; kind: string; name: string } } } } }[];
    // Weighted above the built-in pools (weight 0), so pending pods get its nodes.
    expect(pool?.spec.weight).toBeGreaterThan(0);
    expect(pool?.spec.template.spec.nodeClassRef).toEqual({ group: "eks.amazonaws.com", kind: "NodeClass", name: nodeClass?.metadata.name });
  });

  it("plans with every lifecycle rule holding", () => {
    expect(checkLifecycle(new DependencyGraph(c("auto", env)))).toEqual([]);
  });
});
