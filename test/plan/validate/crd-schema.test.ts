import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../../src/plan/manifests.js";
import { vendoredKinds } from "../../../src/plan/validate/crd-schema.js";
import { validateObjects } from "../../../src/plan/validate/index.js";
import { schemaProblems } from "../../../src/plan/validate/schema.js";

type Json = Record<string, unknown>;

const discovery = [{ tags: { "karpenter.sh/discovery": "vote-prod" } }];

/** Karpenter's getting-started default NodePool and EC2NodeClass (website/content/en/v1.14/getting-started). */
const awsNodePool = {
  apiVersion: "karpenter.sh/v1",
  kind: "NodePool",
  metadata: { name: "default" },
  spec: {
    template: {
      metadata: { labels: { "platform.example.com/pool": "default" } },
      spec: {
        requirements: [
          { key: "kubernetes.io/arch", operator: "In", values: ["amd64", "arm64"] },
          { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
          { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
          { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m", "r"] },
          { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
        ],
        nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" },
        expireAfter: "720h",
      },
    },
    limits: { cpu: 1000, memory: "1000Gi" },
    disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m", budgets: [{ nodes: "10%" }] },
  },
};

const ec2NodeClass = {
  apiVersion: "karpenter.k8s.aws/v1",
  kind: "EC2NodeClass",
  metadata: { name: "default" },
  spec: {
    role: "KarpenterNodeRole-vote-prod",
    amiSelectorTerms: [{ alias: "al2023@v20260801" }],
    subnetSelectorTerms: discovery,
    securityGroupSelectorTerms: discovery,
    metadataOptions: { httpEndpoint: "enabled", httpProtocolIPv6: "disabled", httpPutResponseHopLimit: 1, httpTokens: "required" },
    blockDeviceMappings: [
      { deviceName: "/dev/xvda", ebs: { volumeSize: "50Gi", volumeType: "gp3", iops: 3000, throughput: 125, encrypted: true, deleteOnTermination: true } },
    ],
    tags: { "platform.example.com/stack": "prod" },
  },
};

/** AKS node auto-provisioning's default NodePool (node-auto-provisioning-node-pools.md) and an AKSNodeClass. */
const aksNodePool = {
  apiVersion: "karpenter.sh/v1",
  kind: "NodePool",
  metadata: { name: "default" },
  spec: {
    disruption: { consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "0s" },
    template: {
      spec: {
        nodeClassRef: { group: "karpenter.azure.com", kind: "AKSNodeClass", name: "default" },
        expireAfter: "Never",
        requirements: [
          { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
          { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
          { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
          { key: "karpenter.azure.com/sku-family", operator: "In", values: ["D"] },
        ],
      },
    },
  },
};

const aksNodeClass = {
  apiVersion: "karpenter.azure.com/v1beta1",
  kind: "AKSNodeClass",
  metadata: { name: "default" },
  spec: {
    imageFamily: "AzureLinux",
    osDiskSizeGB: 128,
    vnetSubnetID: "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-vote-prod/providers/Microsoft.Network/virtualNetworks/vnet-vote/subnets/nodes",
    maxPods: 110,
    tags: { stack: "prod" },
  },
};

/** A recommendation-only VPA on the Redis StatefulSet. */
const vpa = {
  apiVersion: "autoscaling.k8s.io/v1",
  kind: "VerticalPodAutoscaler",
  metadata: { name: "db", namespace: "vote" },
  spec: {
    targetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: "db" },
    updatePolicy: { updateMode: "Off" },
    resourcePolicy: {
      containerPolicies: [{ containerName: "redis", minAllowed: { cpu: "50m", memory: "64Mi" }, maxAllowed: { cpu: 1, memory: "1Gi" }, controlledResources: ["cpu", "memory"] }],
    },
  },
};

/** EKS Auto Mode's IngressClassParams, as auto-configure-alb.html documents it. */
const ingressClassParams = {
  apiVersion: "eks.amazonaws.com/v1",
  kind: "IngressClassParams",
  metadata: { name: "alb" },
  spec: {
    scheme: "internet-facing",
    ipAddressType: "dualstack",
    group: { name: "vote-apps" },
    subnets: { matchTags: { "kubernetes.io/role/elb": ["1"] } },
    certificateARNs: ["arn:aws:acm:eu-west-1:123456789012:certificate/0f6c2f3e-1d1a-4c8b-9a6e-6a4c1f0e7b21"],
    tags: [{ key: "Environment", value: "prod" }],
    loadBalancerAttributes: [{ key: "idle_timeout.timeout_seconds", value: "60" }],
  },
};

/** A copy of an object with one change. */
function broken(object: object, change: (copy: Json) => void): KubeObject {
  const copy = structuredClone(object) as Json;
  change(copy);
  return copy as KubeObject;
}

const at = (object: Json, ...path: string[]): Json => path.reduce((o, key) => o[key] as Json, object);

describe("custom resources against their vendored CRDs", () => {
  it.each<[string, object]>([
    ["a Karpenter default NodePool", awsNodePool],
    ["an EC2NodeClass with the AL2023 alias, IMDSv2 and a gp3 root volume", ec2NodeClass],
    ["an AKS NodePool", aksNodePool],
    ["a NodePool without disruption, which the CRD defaults", broken(awsNodePool, (o) => delete at(o, "spec").disruption)],
    ["an AKSNodeClass with a subnet ID (a case-insensitive RE2 pattern)", aksNodeClass],
    ["the AKSNodeClass at its served v1alpha2", { ...aksNodeClass, apiVersion: "karpenter.azure.com/v1alpha2" }],
    ["a VPA that only recommends, for a StatefulSet", vpa],
    ["an EKS Auto Mode IngressClassParams", ingressClassParams],
  ])("passes %s", (_case, object) => {
    expect(schemaProblems(object as KubeObject)).toEqual([]);
  });

  it.each<[string, KubeObject, RegExp]>([
    [
      "a NodePool without nodeClassRef",
      broken(awsNodePool, (o) => delete at(o, "spec", "template", "spec").nodeClassRef),
      /^spec\.template\.spec: must have required property 'nodeClassRef'$/,
    ],
    [
      // node-auto-provisioning-node-pools.md prints the default pool so; consolidateAfter has no default.
      "a NodePool whose disruption omits consolidateAfter",
      broken(aksNodePool, (o) => delete at(o, "spec", "disruption").consolidateAfter),
      /^spec\.disruption: must have required property 'consolidateAfter'$/,
    ],
    [
      "an AKS NodePool with a requirement that has no operator",
      broken(aksNodePool, (o) => delete (at(o, "spec", "template", "spec").requirements as Json[])[3]?.operator),
      /^spec\.template\.spec\.requirements\.3: must have required property 'operator'$/,
    ],
    [
      "a NodePool budget that repeats a reason (a list-type set)",
      broken(awsNodePool, (o) => (at(o, "spec", "disruption").budgets = [{ nodes: "0", reasons: ["Drifted", "Empty", "Drifted"] }])),
      /^spec\.disruption\.budgets\.0\.reasons: must NOT have duplicate items \(items ## 0 and 2 are identical\)$/,
    ],
    [
      "an EC2NodeClass with httpPutResponseHopLimit 0",
      broken(ec2NodeClass, (o) => (at(o, "spec", "metadataOptions").httpPutResponseHopLimit = 0)),
      /^spec\.metadataOptions\.httpPutResponseHopLimit: must be >= 1$/,
    ],
    [
      "an EC2NodeClass with a misspelt field",
      broken(ec2NodeClass, (o) => (at(o, "spec", "metadataOptions").httpToken = "required")),
      /^spec\.metadataOptions: must NOT have additional property 'httpToken'/,
    ],
    [
      "an EC2NodeClass with a volume size in the wrong unit",
      broken(ec2NodeClass, (o) => ((at(o, "spec").blockDeviceMappings as Json[])[0] = { deviceName: "/dev/xvda", ebs: { volumeSize: "50GB" } })),
      /^spec\.blockDeviceMappings\.0\.ebs\.volumeSize: must match pattern/,
    ],
    [
      "an EC2NodeClass given a namespace",
      broken(ec2NodeClass, (o) => (at(o, "metadata").namespace = "karpenter")),
      /^metadata\.namespace: EC2NodeClass is cluster-scoped/,
    ],
    [
      "an AKSNodeClass with an unknown imageFamily",
      broken(aksNodeClass, (o) => (at(o, "spec").imageFamily = "Windows2022")),
      /^spec\.imageFamily: must be equal to one of the allowed values: Ubuntu, Ubuntu2204, Ubuntu2404, AzureLinux$/,
    ],
    [
      "an AKSNodeClass overriding one DNS zone twice (a list-type map keyed by zone)",
      broken(aksNodeClass, (o) => {
        const override = { zone: "cluster.local", queryLogging: "Error", protocol: "PreferUDP", forwardDestination: "ClusterCoreDNS", forwardPolicy: "Sequential" };
        const full = { ...override, maxConcurrent: 1000, cacheDuration: "1h", serveStaleDuration: "1h", serveStale: "Immediate" };
        at(o, "spec").localDNS = { mode: "Preferred", kubeDNSOverrides: [{ ...full, zone: "." }, full, full] };
      }),
      /^spec\.localDNS\.kubeDNSOverrides: must NOT have two items with the same zone \(items ## 1 and 2\)$/,
    ],
    [
      "an AKSNodeClass with a subnet ID that is not an ARM ID",
      broken(aksNodeClass, (o) => (at(o, "spec").vnetSubnetID = "nodes")),
      /^spec\.vnetSubnetID: must match pattern/,
    ],
    [
      "a VPA with updateMode Sometimes",
      broken(vpa, (o) => (at(o, "spec", "updatePolicy").updateMode = "Sometimes")),
      /^spec\.updatePolicy\.updateMode: must be equal to one of the allowed values: Off, Initial, Recreate, InPlaceOrRecreate, InPlace, Auto$/,
    ],
    [
      "a VPA with a quantity that is neither integer nor string",
      broken(vpa, (o) => (((at(o, "spec", "resourcePolicy").containerPolicies as Json[])[0] as Json).minAllowed = { cpu: true })),
      /^spec\.resourcePolicy\.containerPolicies\.0\.minAllowed\.cpu: must be integer$/,
    ],
    ["a VPA without targetRef", broken(vpa, (o) => delete at(o, "spec").targetRef), /^spec: must have required property 'targetRef'$/],
    ["a VPA at the unserved v1beta2", broken(vpa, (o) => (o.apiVersion = "autoscaling.k8s.io/v1beta2")), /v1beta2 is not served by the VerticalPodAutoscaler CRD .*; use autoscaling\.k8s\.io\/v1$/],
    ["a VPA named in capitals", broken(vpa, (o) => (at(o, "metadata").name = "DB")), /^metadata\.name: must be a DNS subdomain/],
    ["an IngressClassParams with an unknown scheme", broken(ingressClassParams, (o) => (at(o, "spec").scheme = "public")), /^spec\.scheme: /],
    [
      "an IngressClassParams with the load balancer controller's subnets.tags",
      broken(ingressClassParams, (o) => (at(o, "spec").subnets = { tags: { "kubernetes.io/role/elb": ["1"] } })),
      /^spec\.subnets: Unrecognized key: "tags"$/,
    ],
    [
      "an IngressClassParams with the load balancer controller's certificateArn",
      broken(ingressClassParams, (o) => (at(o, "spec").certificateArn = ["arn:aws:acm:eu-west-1:123456789012:certificate/x"])),
      /^spec: Unrecognized key: "certificateArn"$/,
    ],
  ])("reports %s", (_case, object, message) => {
    expect(schemaProblems(object)).toContainEqual(expect.stringMatching(message));
  });

  it("reports under the schema rule, as validateObjects does for built-in kinds", () => {
    const object = broken(awsNodePool, (o) => delete at(o, "spec", "template", "spec").nodeClassRef);
    expect(validateObjects([object])).toContainEqual({ object: "NodePool default", rule: "schema", message: "spec.template.spec: must have required property 'nodeClassRef'" });
  });

  it("checks a NodePool against the copy of the provider its node class belongs to", () => {
    // Both copies are the same but for CEL rules, so a structural error shows in either.
    const problems = schemaProblems(broken(aksNodePool, (o) => (at(o, "spec", "disruption").consolidationPolicy = "Never")));
    expect(problems).toEqual(["spec.disruption.consolidationPolicy: must be equal to one of the allowed values: WhenEmpty, WhenEmptyOrUnderutilized, Balanced"]);
  });

  it("still has no schema for a custom resource whose CRD is not vendored", () => {
    const widget = { apiVersion: "karpenter.sh/v1", kind: "Widget", metadata: { name: "w" } };
    expect(schemaProblems(widget)).toEqual(["no schema for karpenter.sh/v1 Widget; add one to src/plan/validate/schema.ts"]);
  });

  it("compiles every served version of every vendored CRD", () => {
    const served = vendoredKinds();
    expect(served.map((o) => `${o.apiVersion} ${o.kind}`).sort()).toEqual([
      "autoscaling.k8s.io/v1 VerticalPodAutoscaler",
      "autoscaling.k8s.io/v1 VerticalPodAutoscalerCheckpoint",
      "karpenter.azure.com/v1alpha2 AKSNodeClass",
      "karpenter.azure.com/v1beta1 AKSNodeClass",
      "karpenter.k8s.aws/v1 EC2NodeClass",
      "karpenter.sh/v1 NodePool",
      "karpenter.sh/v1 NodePool",
    ]);
    // Compiling each would throw on a Go pattern JavaScript cannot read; an empty spec is reported, not thrown.
    // (Both NodePools here get the AWS copy; the AKS NodePool above gets the Azure one.)
    for (const { apiVersion, kind } of served) {
      expect(schemaProblems({ apiVersion, kind, metadata: { name: "x" }, spec: {} })).not.toContainEqual(expect.stringMatching(/no schema/));
    }
  });
});
