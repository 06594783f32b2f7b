import { readFileSync } from "node:fs";
import * as iam from "@pulumi/aws/iam/index.js";
import { Provider } from "@pulumi/kubernetes/provider.js";
import type * as pulumi from "@pulumi/pulumi";
import type { Mocks } from "@pulumi/pulumi/runtime/index.js";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, type ScalarTag } from "yaml";
import { Karpenter, type KarpenterArgs } from "../../../components/aws/karpenter.js";
import { captureProgram, type Capture, type CapturedResource } from "../../../src/plan/capture.js";
import { createMocks } from "../../../src/plan/mocks/index.js";
import { all, one, policy } from "../../support/capture-helpers.js";

// A partition and region other than the usual, so an `arn:aws:` written into the component shows.
const partition = "aws-us-gov";
const region = "us-gov-west-1";
const accountId = "123456789012";
const clusterName = "test-cluster";
const project = "voting-platform";
const stack = "karpenter-test";

/** The plan's mocks, with the queue and rule attributes AWS computes (the plan's mocks echo their inputs). */
function mocks(): Mocks {
  const base = createMocks(project, stack);
  return {
    ...base,
    async newResource(args) {
      const result = await base.newResource(args);
      const name = String(args.inputs.name ?? `${args.name}-0a1b2c3`);
      if (args.type === "aws:sqs/queue:Queue") {
        const url = `https://sqs.${region}.amazonaws.com/${accountId}/${name}`;
        return { id: url, state: { ...result.state, name, url, arn: `arn:${partition}:sqs:${region}:${accountId}:${name}` } };
      }
      if (args.type === "aws:cloudwatch/eventRule:EventRule") {
        return { id: name, state: { ...result.state, name, arn: `arn:${partition}:events:${region}:${accountId}:rule/${name}` } };
      }
      return result;
    },
  };
}

type Overrides = Partial<Omit<KarpenterArgs, "nodeRole" | "provider" | "waitFor">>;

function run(overrides: Overrides = {}, seen: { karpenter?: Karpenter } = {}): Promise<Capture> {
  return captureProgram(
    async () => {
      const nodeRole = new iam.Role("karpenter-node", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
      const systemNodes = new iam.Role("system-nodes", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) });
      const provider = new Provider("cluster", { kubeconfig: "{}" });
      seen.karpenter = new Karpenter("karpenter", {
        clusterName,
        clusterEndpoint: "https://ABCDEF.gr7.us-gov-west-1.eks.amazonaws.com",
        kubernetesVersion: "1.35",
        region,
        partition,
        accountId,
        oidcProviderArn: `arn:${partition}:iam::${accountId}:oidc-provider/oidc.eks.${region}.amazonaws.com/id/ABCDEF`,
        issuerUrl: `https://oidc.eks.${region}.amazonaws.com/id/ABCDEF`,
        nodeRole,
        provider,
        discoveryTag: clusterName,
        nodePool: { cpuLimit: 64, memoryLimitGi: 256, capacityTypes: ["spot", "on-demand"] },
        waitFor: [systemNodes],
        tags: { project },
        ...overrides,
      });
    },
    { project, stack, config: { "aws:region": region }, mocks: mocks() },
  );
}

// Upstream's template, read here on its own: CloudFormation's short tags become their long forms.
const cfnTags: ScalarTag[] = [
  { tag: "!Sub", resolve: (value: string) => ({ "Fn::Sub": value }) },
  { tag: "!Ref", resolve: (value: string) => ({ Ref: value }) },
  { tag: "!GetAtt", resolve: (value: string) => ({ "Fn::GetAtt": value }) },
];
type CfnResource = { Type: string; Properties: Record<string, unknown> };
const template = parse(readFileSync(new URL("../../../components/aws/policies/karpenter-v1.14.1-cloudformation.yaml", import.meta.url), "utf8"), {
  customTags: cfnTags,
}) as { Resources: Record<string, CfnResource> };
const upstream = (type: string) => Object.entries(template.Resources).filter(([, r]) => r.Type === type);

/** CloudFormation's `Fn::Sub`, `Fn::GetAtt` and `Ref`, resolved with this test's own values. */
function resolve(value: unknown, vars: Record<string, string>): unknown {
  const lookup = (name: string) => {
    if (!(name in vars)) throw new Error(`the template refers to ${name}, which this test does not know`);
    return vars[name];
  };
  if (Array.isArray(value)) return value.map((v) => resolve(v, vars));
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (typeof record["Fn::Sub"] === "string") return record["Fn::Sub"].replace(/\$\{([^}]+)\}/g, (_, name: string) => lookup(name) as string);
  if (typeof record["Fn::GetAtt"] === "string") return lookup(record["Fn::GetAtt"]);
  if (typeof record.Ref === "string") return lookup(record.Ref);
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, resolve(v, vars)]));
}

type Statement = { Sid?: string; Condition?: Record<string, Record<string, unknown>> } & Record<string, unknown>;
const bySid = (statements: Statement[]) => Object.fromEntries(statements.map((s) => [s.Sid, s]));

let capture: Capture;
const seen: { karpenter?: Karpenter } = {};
let vars: Record<string, string>;
beforeAll(async () => {
  capture = await run({}, seen);
  const queue = one(capture, "aws:sqs/queue:Queue");
  vars = {
    "AWS::Partition": partition,
    "AWS::Region": region,
    "AWS::AccountId": accountId,
    ClusterName: clusterName,
    "KarpenterNodeRole.Arn": String(one(capture, "aws:iam/role:Role", "karpenter-node").outputs.arn),
    "KarpenterInterruptionQueue.Arn": String(queue.outputs.arn),
    KarpenterInterruptionQueue: String(queue.outputs.url),
  };
});

const release = () => one(capture, "kubernetes:helm.sh/v3:Release", "karpenter-release");
const crdRelease = () => one(capture, "kubernetes:helm.sh/v3:Release", "karpenter-crd");
const nodeClass = () => one(capture, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass");
const nodePool = () => one(capture, "kubernetes:karpenter.sh/v1:NodePool");
const irsaRole = () => one(capture, "aws:iam/role:Role", "karpenter-irsa-role");
const spec = (r: CapturedResource) => r.inputs.spec as Record<string, unknown>;

describe("the controller's IAM permissions", () => {
  const upstreamDocuments = () =>
    upstream("AWS::IAM::ManagedPolicy").map(([, r]) => JSON.parse(String(resolve(r.Properties.PolicyDocument, vars))) as { Statement: Statement[] });
  const ourDocuments = () => [
    policy(one(capture, "aws:iam/policy:Policy", "karpenter-irsa-policy"), "policy"),
    ...all(capture, "aws:iam/rolePolicy:RolePolicy").map((r) => policy(r, "policy")),
  ];

  it("are upstream's statements, Sid for Sid, with this cluster's partition, region, account, node role and queue", () => {
    const ours = bySid(ourDocuments().flatMap((d) => d.Statement as Statement[]));
    const theirs = bySid(upstreamDocuments().flatMap((d) => d.Statement));
    expect(Object.keys(theirs)).toContain("AllowZonalShiftStatusReadOnly");
    expect(Object.keys(ours).sort()).toEqual(Object.keys(theirs).sort());
    for (const sid of Object.keys(theirs)) expect(ours[sid], sid).toEqual(theirs[sid]);
  });

  it("keeps upstream's documents apart, each within IAM's size limits", () => {
    const sids = (d: { Statement: Statement[] }) => d.Statement.map((s) => s.Sid).sort().join(",");
    expect(ourDocuments().map((d) => sids(d as { Statement: Statement[] })).sort()).toEqual(upstreamDocuments().map(sids).sort());
    const managed = JSON.stringify(ourDocuments()[0]);
    const inline = ourDocuments().slice(1).map((d) => JSON.stringify(d).length);
    expect(managed.length).toBeLessThanOrEqual(6144);
    expect(inline.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10240);
  });

  it("belong to a role only kube-system/karpenter can assume through the cluster's OIDC provider", () => {
    const roleName = irsaRole().outputs.name;
    for (const r of all(capture, "aws:iam/rolePolicy:RolePolicy")) expect(r.inputs.role).toBe(roleName);
    expect(one(capture, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "karpenter-irsa-policy").inputs.role).toBe(roleName);
    const issuer = `oidc.eks.${region}.amazonaws.com/id/ABCDEF`;
    expect(policy(irsaRole(), "assumeRolePolicy").Statement[0]?.Condition).toEqual({
      StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:kube-system:karpenter", [`${issuer}:aud`]: "sts.amazonaws.com" },
    });
  });
});

describe("the interruption queue", () => {
  it("is upstream's queue: named after the cluster, SSE with SQS's keys, messages kept 5 minutes", () => {
    const [[, theirs] = []] = upstream("AWS::SQS::Queue");
    const props = resolve(theirs?.Properties, vars) as Record<string, unknown>;
    expect(one(capture, "aws:sqs/queue:Queue").inputs).toMatchObject({
      name: props.QueueName,
      messageRetentionSeconds: props.MessageRetentionPeriod,
      sqsManagedSseEnabled: props.SqsManagedSseEnabled,
    });
    expect(props).toMatchObject({ QueueName: clusterName, MessageRetentionPeriod: 300, SqsManagedSseEnabled: true });
  });

  it("takes messages from EventBridge and SQS only, and refuses anything without TLS", () => {
    const [[, theirs] = []] = upstream("AWS::SQS::QueuePolicy");
    const document = resolve(theirs?.Properties.PolicyDocument, vars) as { Id: string; Statement: Statement[] };
    // IAM reads condition values as strings: upstream's YAML `false` is the policy's "false".
    const statements = document.Statement.map((s) =>
      s.Condition ? { ...s, Condition: { Bool: { "aws:SecureTransport": String(s.Condition.Bool?.["aws:SecureTransport"]) } } } : s,
    );
    const queuePolicy = one(capture, "aws:sqs/queuePolicy:QueuePolicy");
    expect(queuePolicy.inputs.queueUrl).toBe(one(capture, "aws:sqs/queue:Queue").outputs.url);
    const ours = JSON.parse(String(queuePolicy.inputs.policy)) as { Id: string; Statement: Statement[] };
    expect(ours.Id).toBe(document.Id);
    expect(ours.Statement).toEqual(statements);
    expect(ours.Statement[1]).toMatchObject({ Effect: "Deny", Principal: "*", Condition: { Bool: { "aws:SecureTransport": "false" } } });
  });

  it("is fed by one EventBridge rule per upstream event pattern, each targeting the queue", () => {
    const theirs = upstream("AWS::Events::Rule").map(([, r]) => resolve(r.Properties, vars) as { EventPattern: unknown; Targets: { Id: string; Arn: string }[] });
    const rules = all(capture, "aws:cloudwatch/eventRule:EventRule");
    expect(theirs.map((r) => r.EventPattern)).toContainEqual({ source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] });
    expect(rules.map((r) => JSON.parse(String(r.inputs.eventPattern)))).toEqual(expect.arrayContaining(theirs.map((r) => r.EventPattern)));
    expect(rules).toHaveLength(theirs.length);
    const targets = all(capture, "aws:cloudwatch/eventTarget:EventTarget");
    for (const rule of rules) {
      const target = targets.filter((t) => t.inputs.rule === rule.outputs.name);
      expect(target.map((t) => ({ Id: t.inputs.targetId, Arn: t.inputs.arn }))).toEqual(theirs[0]?.Targets);
    }
  });
});

describe("the nodes' access", () => {
  it("is an EC2_LINUX access entry for the node role, in the cluster", () => {
    expect(one(capture, "aws:eks/accessEntry:AccessEntry").inputs).toMatchObject({
      clusterName,
      principalArn: one(capture, "aws:iam/role:Role", "karpenter-node").outputs.arn,
      type: "EC2_LINUX",
    });
  });
});

describe("the Helm releases", () => {
  it("install the controller chart 1.14.1 from public ECR into kube-system, leaving the CRDs to their own chart", () => {
    expect(release().inputs).toMatchObject({
      name: "karpenter",
      chart: "oci://public.ecr.aws/karpenter/karpenter",
      version: "1.14.1",
      namespace: "kube-system",
      skipCrds: true,
      atomic: true,
    });
    expect(crdRelease().inputs).toMatchObject({ name: "karpenter-crd", chart: "oci://public.ecr.aws/karpenter/karpenter-crd", version: "1.14.1", namespace: "kube-system" });
    expect(crdRelease().inputs.skipCrds).not.toBe(true);
    for (const r of [release(), crdRelease()]) expect(r.provider).toBe(one(capture, "pulumi:providers:kubernetes").urn);
  });

  it("tell the controller its cluster, endpoint, queue, region and IRSA role, with upstream's guaranteed resources", () => {
    expect(release().inputs.values).toMatchObject({
      settings: { clusterName, clusterEndpoint: "https://ABCDEF.gr7.us-gov-west-1.eks.amazonaws.com", interruptionQueue: clusterName },
      serviceAccount: { create: true, name: "karpenter", annotations: { "eks.amazonaws.com/role-arn": irsaRole().outputs.arn } },
      replicas: 2,
      tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }],
      controller: {
        env: [{ name: "AWS_REGION", value: region }],
        resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1", memory: "1Gi" } },
      },
    });
  });
});

describe("the default EC2NodeClass", () => {
  it("launches AL2023 at the recommended release, with the node role, in the subnets and groups tagged for discovery", () => {
    const s = spec(nodeClass());
    expect(nodeClass().inputs).toMatchObject({ apiVersion: "karpenter.k8s.aws/v1", metadata: { name: "default" } });
    // The plan's SSM mock answers 1.35.2-20261115 for the recommended 1.35 release.
    expect(s.amiSelectorTerms).toEqual([{ alias: "al2023@v20261115" }]);
    expect(s.role).toBe(one(capture, "aws:iam/role:Role", "karpenter-node").outputs.name);
    expect(s.subnetSelectorTerms).toEqual([{ tags: { "karpenter.sh/discovery": clusterName } }]);
    expect(s.securityGroupSelectorTerms).toEqual([{ tags: { "karpenter.sh/discovery": clusterName } }]);
    expect(s.tags).toEqual({ project });
  });

  it("requires IMDSv2 with one hop and gives every node an encrypted 50 GiB gp3 root volume", () => {
    const s = spec(nodeClass());
    expect(s.metadataOptions).toEqual({ httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 });
    expect(s.blockDeviceMappings).toEqual([
      { deviceName: "/dev/xvda", ebs: { volumeSize: "50Gi", volumeType: "gp3", encrypted: true, deleteOnTermination: true } },
    ]);
  });
});

describe("the default NodePool", () => {
  const requirement = (key: string) =>
    ((spec(nodePool()).template as { spec: { requirements: { key: string }[] } }).spec.requirements ?? []).find((r) => r.key === key);

  it("launches spot or on-demand amd64 Linux c, m and r instances of the sixth generation on, from the default class", () => {
    expect(nodePool().inputs).toMatchObject({ apiVersion: "karpenter.sh/v1", metadata: { name: "default" } });
    expect(requirement("karpenter.sh/capacity-type")).toEqual({ key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] });
    expect(requirement("kubernetes.io/arch")).toMatchObject({ operator: "In", values: ["amd64"] });
    expect(requirement("kubernetes.io/os")).toMatchObject({ operator: "In", values: ["linux"] });
    expect(requirement("karpenter.k8s.aws/instance-category")).toMatchObject({ operator: "In", values: ["c", "m", "r"] });
    expect(requirement("karpenter.k8s.aws/instance-generation")).toMatchObject({ operator: "Gt", values: ["5"] });
    expect(spec(nodePool()).template).toMatchObject({
      spec: { nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "default" }, expireAfter: "720h" },
    });
  });

  it("stops at the CPU and memory limits and consolidates nodes empty or underutilized for a minute", () => {
    expect(spec(nodePool()).limits).toEqual({ cpu: 64, memory: "256Gi" });
    expect(spec(nodePool()).disruption).toEqual({ consolidationPolicy: "WhenEmptyOrUnderutilized", consolidateAfter: "1m" });
  });
});

describe("the order of creation and deletion", () => {
  const urnOf = (resource: pulumi.Resource) => new Promise<string>((done) => resource.urn.apply(done));

  it("creates the NodePool after the EC2NodeClass, and both after the controller and its CRDs, so they are deleted first", () => {
    expect(nodePool().dependencies).toEqual(expect.arrayContaining([release().urn, crdRelease().urn, nodeClass().urn]));
    expect(nodeClass().dependencies).toEqual(expect.arrayContaining([release().urn, crdRelease().urn]));
  });

  it("creates the controller after, and deletes it before, its permissions, queue, rules, node access and the nodes it runs on", () => {
    const needed = [
      ...all(capture, "aws:iam/rolePolicy:RolePolicy"),
      one(capture, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "karpenter-irsa-policy"),
      one(capture, "aws:sqs/queue:Queue"),
      one(capture, "aws:sqs/queuePolicy:QueuePolicy"),
      ...all(capture, "aws:cloudwatch/eventRule:EventRule"),
      ...all(capture, "aws:cloudwatch/eventTarget:EventTarget"),
      one(capture, "aws:eks/accessEntry:AccessEntry"),
      crdRelease(),
      one(capture, "aws:iam/role:Role", "system-nodes"),
    ];
    expect(needed.length).toBe(5 + 1 + 2 + 5 + 5 + 3);
    expect(release().dependencies).toEqual(expect.arrayContaining(needed.map((r) => r.urn)));
  });

  it("makes workloads wait for the controller, its node classes and pools, and its nodes' access", async () => {
    const readiness = await Promise.all((seen.karpenter?.readiness ?? []).map(urnOf));
    expect(readiness.sort()).toEqual([release(), nodeClass(), nodePool(), one(capture, "aws:eks/accessEntry:AccessEntry")].map((r) => r.urn).sort());
  });
});

describe("Karpenter's options", () => {
  it("pins another AMI release, architecture, volume size, replica count and tolerations when asked", async () => {
    const custom = await run({
      amiVersion: "v20260101",
      nodeVolumeGi: 100,
      replicas: 1,
      systemTolerations: [{ key: "dedicated", operator: "Equal", value: "system", effect: "NoSchedule" }],
      nodePool: { cpuLimit: 8, memoryLimitGi: 32, capacityTypes: ["on-demand"], architectures: ["arm64"], instanceCategories: ["m"], consolidateAfter: "10m" },
    });
    const s = spec(one(custom, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass"));
    expect(s.amiSelectorTerms).toEqual([{ alias: "al2023@v20260101" }]);
    expect(s.blockDeviceMappings).toMatchObject([{ ebs: { volumeSize: "100Gi" } }]);
    expect(one(custom, "kubernetes:helm.sh/v3:Release", "karpenter-release").inputs.values).toMatchObject({
      replicas: 1,
      tolerations: [{ key: "dedicated", operator: "Equal", value: "system", effect: "NoSchedule" }],
    });
    const pool = spec(one(custom, "kubernetes:karpenter.sh/v1:NodePool"));
    expect(JSON.stringify(pool)).toContain('{"key":"kubernetes.io/arch","operator":"In","values":["arm64"]}');
    expect(JSON.stringify(pool)).toContain('{"key":"karpenter.k8s.aws/instance-category","operator":"In","values":["m"]}');
    expect(pool.disruption).toMatchObject({ consolidateAfter: "10m" });
  });

  it("refuses tags Karpenter sets itself, an empty capacity type list, and a malformed consolidateAfter", async () => {
    await expect(run({ tags: { "karpenter.sh/nodepool": "x" } })).rejects.toThrow(/tags: karpenter.sh\/nodepool/);
    await expect(run({ nodePool: { cpuLimit: 8, memoryLimitGi: 32, capacityTypes: [] } })).rejects.toThrow(/nodePool.capacityTypes/);
    await expect(run({ nodePool: { cpuLimit: 8, memoryLimitGi: 32, capacityTypes: ["spot"], consolidateAfter: "1 minute" } })).rejects.toThrow(
      /nodePool.consolidateAfter/,
    );
  });
});
