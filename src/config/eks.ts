import { z } from "zod";
import {
  controlPlaneLogTypes,
  eksAddonNames,
  type ControlPlaneLogType,
  type EksAddonName,
  type NodeGroupSettings,
  type NodeTaint,
  type TaintEffect,
} from "../../components/aws/settings.js";
import { cidrContains, cidrsOverlap, parseCidr } from "../../components/cidr.js";
import { computeSettings, eksComputeKeys } from "./eks-compute.js";
import { field, isCidr } from "./fields.js";
import { defineFragment, type ConfigContext } from "./fragment.js";
import { documentationArns, documentationRanges } from "./placeholders.js";

const awsRegion = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
/** Family, generation and options, a dot, then the size: t3.medium, m7g.xlarge, c6in.2xlarge. */
export const instanceTypePattern = /^[a-z]+\d[a-z0-9-]*\.[a-z0-9]+$/;
/** Graviton (arm64) families carry a `g` right after the generation: m7g, c6gn, t4g, r8gd. */
const gravitonPattern = /^[a-z]+\d+g[a-z0-9-]*\./;
/** An IAM role or user an access entry can name; an STS assumed-role ARN is not one. */
const principalArnPattern = /^arn:aws(-cn|-us-gov|-iso(-[a-z])?)?:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/;
const addonVersionPattern = /^v\d+\.\d+\.\d+-eksbuild\.\d+$/;
/** An AWS CLI profile name as stacks write them: no spaces or brackets, which the config file's `[profile …]` would need. */
const awsProfilePattern = /^[A-Za-z0-9_][A-Za-z0-9_.@+=,-]{0,127}$/;

/** Retention periods CloudWatch Logs accepts, in days. */
export const logRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

/** The CPU architecture a list of instance types runs on, or undefined when it mixes both. */
export function instanceArchitecture(instanceTypes: readonly string[]): "x86_64" | "arm64" | undefined {
  const arm = instanceTypes.filter((t) => gravitonPattern.test(t)).length;
  if (arm === 0) return "x86_64";
  return arm === instanceTypes.length ? "arm64" : undefined;
}

const taintEffects = { NoSchedule: "NO_SCHEDULE", NoExecute: "NO_EXECUTE", PreferNoSchedule: "PREFER_NO_SCHEDULE" } as const satisfies Record<string, TaintEffect>;

const labelKey = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const labelValue = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

function parseLabels(text: string, ctx: z.RefinementCtx): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of text.split("|")) {
    const [key = "", value = ""] = item.split("=");
    if (!labelKey.test(key) || !labelValue.test(value) || item.split("=").length !== 2) {
      ctx.addIssue({ code: "custom", message: `labels: expected key=value items separated by |, got ${JSON.stringify(item)}` });
    }
    labels[key] = value;
  }
  return labels;
}

function parseTaints(text: string, ctx: z.RefinementCtx): NodeTaint[] {
  return text.split("|").map((item) => {
    const match = /^([^=:]+)(?:=([^:]*))?:(NoSchedule|NoExecute|PreferNoSchedule)$/.exec(item);
    if (!match?.[1] || !labelKey.test(match[1])) {
      ctx.addIssue({ code: "custom", message: `taints: expected key=value:NoSchedule|NoExecute|PreferNoSchedule items separated by |, got ${JSON.stringify(item)}` });
      return { key: item, effect: "NO_SCHEDULE" };
    }
    const effect = taintEffects[match[3] as keyof typeof taintEffects];
    return match[2] ? { key: match[1], value: match[2], effect } : { key: match[1], effect };
  });
}

/** One node group as written in `eksNodeGroups`; unset sizes and types come from the eksNode* keys. */
const nodeGroupRecord = z
  .object({
    name: z.string().regex(/^[a-z][a-z0-9-]{0,30}$/, { message: "name: expected 1-31 lowercase letters, digits or hyphens" }),
    instanceTypes: z
      .string()
      .transform((text) => text.split("|"))
      .pipe(z.array(z.string().regex(instanceTypePattern, { message: "expected EC2 instance types such as t3.medium|t3a.medium" })))
      .optional(),
    minSize: z.number().int().min(0).max(100).optional(),
    maxSize: z.number().int().min(1).max(100).optional(),
    desiredSize: z.number().int().min(0).max(100).optional(),
    capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND"),
    diskSize: z.number().int().min(20).max(16384).default(50),
    labels: z.string().transform(parseLabels).optional(),
    taints: z.string().transform(parseTaints).optional(),
  })
  .strict();


const defaultNodeGroups = [{ name: "general", capacityType: "ON_DEMAND" as const, diskSize: 50 }];

const anyIpv4 = (cidr: string) => parseCidr(cidr)?.prefix === 0;

/** The EKS platform's keys, with defaults that depend on the environment. */
export function eksConfig(ctx: ConfigContext) {
  const prod = ctx.environment === "prod";
  const cidrList = (expected: string, fallback: string[] | undefined) =>
    field.json(z.array(z.string().refine(isCidr, { message: "expected an IPv4 CIDR block such as 203.0.113.0/24" })).min(1).optional(), {
      default: fallback,
      expected,
    });
  return defineFragment(
    {
      "aws:region": field.string({ pattern: awsRegion, expected: "an AWS region code such as eu-west-1" }),
      // The AWS provider's own key: the kubeconfig's `aws eks get-token` must use the same credentials.
      "aws:profile": field.optionalString(
        "an AWS CLI profile name such as platform-admin: up to 128 letters, digits and _ . @ + = , -",
        awsProfilePattern,
      ),
      // Unset, pulumi up takes EKS's default for a new cluster and keeps a running cluster's version.
      eksKubernetesVersion: field.optionalString("an EKS Kubernetes minor version such as 1.35", /^1\.\d{2}$/),
      eksVpcCidr: field.cidr({ default: "10.20.0.0/16" }),
      eksAzCount: field.integer({ min: 2, max: 3, default: prod ? 3 : 2 }),
      eksPublicSubnetCidrs: cidrList("a list of CIDR blocks, one per AZ", undefined),
      eksPrivateSubnetCidrs: cidrList("a list of CIDR blocks, one per AZ", undefined),
      eksNatGateways: field.oneOf<"single" | "perAz">(["single", "perAz"], { default: prod ? "perAz" : "single" }),
      eksVpcEndpoints: field.boolean({ default: prod }),
      eksInstanceTypes: field.stringList({
        default: prod ? ["m6i.large"] : ["t3.medium"],
        item: (t) => instanceTypePattern.test(t),
        itemExpected: "an EC2 instance type such as t3.medium",
        expected: "a list of EC2 instance types",
        minItems: 1,
      }),
      eksNodeMinSize: field.integer({ min: 0, max: 100, default: prod ? 3 : 1 }),
      eksNodeMaxSize: field.integer({ min: 1, max: 100, default: prod ? 6 : 3 }),
      eksNodeDesiredSize: field.integer({ min: 0, max: 100, default: prod ? 3 : 2 }),
      eksNodeGroups: field.recordList(nodeGroupRecord, {
        default: defaultNodeGroups,
        expected: "a list of node groups such as name=general,instanceTypes=t3.medium|t3a.medium,minSize=1,maxSize=3,desiredSize=2",
      }),
      eksEndpointPublicAccess: field.boolean({ default: true }),
      eksPublicAccessCidrs: cidrList("a list of CIDR blocks allowed to reach the public API endpoint", prod ? undefined : ["0.0.0.0/0"]),
      eksLogTypes: field.stringList({
        default: prod ? [...controlPlaneLogTypes] : ["api", "authenticator"],
        item: (t) => (controlPlaneLogTypes as readonly string[]).includes(t),
        itemExpected: `one of ${controlPlaneLogTypes.join(", ")}`,
        expected: "a list of control-plane log types",
      }),
      eksLogRetentionDays: field.integer({ min: 1, max: 3653, default: prod ? 90 : 7 }),
      eksFargateLogging: field.boolean({ default: prod }),
      eksAdminPrincipalArns: field.stringList({
        default: [],
        item: (arn) => principalArnPattern.test(arn),
        itemExpected: "an IAM role or user ARN such as arn:aws:iam::123456789012:role/platform-admins (not an sts assumed-role ARN)",
        expected: "a list of IAM principal ARNs",
      }),
      eksBootstrapCreatorAdmin: field.boolean({ default: !prod }),
      eksAddonVersions: field.keyValueList({ default: {}, expected: "a list of addon=version pairs such as vpc-cni=v1.19.5-eksbuild.1" }),
      eksLbControllerReplicas: field.integer({ min: 1, max: 5, default: prod ? 2 : 1 }),
      ...eksComputeKeys(ctx),
    },
    (v, report) => {
      const vpc = parseCidr(v.eksVpcCidr);
      if (vpc && vpc.prefix > 20) {
        report("eksVpcCidr", "a block of /20 or larger, to hold a public and a private subnet per AZ");
      }
      const subnetLists = { eksPublicSubnetCidrs: v.eksPublicSubnetCidrs, eksPrivateSubnetCidrs: v.eksPrivateSubnetCidrs };
      const seen: { key: string; cidr: string }[] = [];
      for (const [key, list] of Object.entries(subnetLists)) {
        if (list === undefined) continue;
        if (list.length !== v.eksAzCount) report(key, `one CIDR block per AZ: ${v.eksAzCount} (eksAzCount)`);
        for (const text of list) {
          const block = parseCidr(text);
          if (!block) continue;
          if (vpc && !cidrContains(vpc, block)) report(key, `blocks inside eksVpcCidr (${v.eksVpcCidr}); ${text} does not fit`);
          else if (block.prefix > 28) report(key, `blocks of /28 or larger; ${text} is too small`);
          else {
            const clash = seen.find((s) => cidrsOverlap(parseCidr(s.cidr) ?? block, block));
            if (clash) report(key, `blocks that overlap no other subnet; ${text} overlaps ${clash.cidr} (${clash.key})`);
            seen.push({ key, cidr: text });
          }
        }
      }
      if (v.eksNodeMinSize > v.eksNodeMaxSize) {
        report("eksNodeMinSize", `at most eksNodeMaxSize (${v.eksNodeMaxSize})`);
      }
      if (v.eksNodeDesiredSize < v.eksNodeMinSize || v.eksNodeDesiredSize > v.eksNodeMaxSize) {
        report("eksNodeDesiredSize", `a size from eksNodeMinSize to eksNodeMaxSize (${v.eksNodeMinSize} to ${v.eksNodeMaxSize})`);
      }
      const nodeGroups: NodeGroupSettings[] = v.eksNodeGroups.map((record) => {
        const instanceTypes = record.instanceTypes ?? v.eksInstanceTypes;
        const group = {
          name: record.name,
          instanceTypes,
          architecture: instanceArchitecture(instanceTypes) ?? "x86_64",
          minSize: record.minSize ?? v.eksNodeMinSize,
          maxSize: record.maxSize ?? v.eksNodeMaxSize,
          desiredSize: record.desiredSize ?? v.eksNodeDesiredSize,
          capacityType: record.capacityType,
          diskSize: record.diskSize,
          labels: record.labels ?? {},
          taints: record.taints ?? [],
        };
        if (instanceArchitecture(instanceTypes) === undefined) {
          report("eksNodeGroups", `group ${group.name}: instance types of one architecture, all Graviton (arm64) or none`);
        }
        if (group.minSize > group.maxSize || group.desiredSize < group.minSize || group.desiredSize > group.maxSize) {
          report("eksNodeGroups", `group ${group.name}: minSize <= desiredSize <= maxSize (got ${group.minSize}, ${group.desiredSize}, ${group.maxSize})`);
        }
        return group;
      });
      const names = nodeGroups.map((g) => g.name);
      const duplicate = names.find((n, i) => names.indexOf(n) !== i);
      if (duplicate) report("eksNodeGroups", `groups with distinct names; ${duplicate} appears twice`);
      if (nodeGroups.length === 0) report("eksNodeGroups", "at least one node group");

      if (v.eksEndpointPublicAccess) {
        if (v.eksPublicAccessCidrs === undefined) {
          report(
            "eksPublicAccessCidrs",
            "required in prod while eksEndpointPublicAccess is true: the CIDR blocks allowed to reach the API, among them the address pulumi up runs from (the output of `curl -s https://checkip.amazonaws.com`, with /32)",
          );
        } else if (prod && v.eksPublicAccessCidrs.some(anyIpv4)) {
          report("eksPublicAccessCidrs", "narrow CIDR blocks in prod, not 0.0.0.0/0; or set eksEndpointPublicAccess to false");
        }
        const placeholders = documentationRanges(v.eksPublicAccessCidrs ?? []);
        if (placeholders.length > 0 && !ctx.examples.has("eksPublicAccessCidrs")) {
          report(
            "eksPublicAccessCidrs",
            `the real addresses pulumi up and your people connect from (for this machine, the output of \`curl -s https://checkip.amazonaws.com\`, with /32); ${placeholders.join(", ")} is an RFC 5737 documentation range that no client has, so pulumi up could not reach the cluster it had just created`,
          );
        }
      }
      if (!(logRetentionDays as readonly number[]).includes(v.eksLogRetentionDays)) {
        report("eksLogRetentionDays", `a retention CloudWatch Logs accepts: ${logRetentionDays.join(", ")}`);
      }
      if (!v.eksBootstrapCreatorAdmin && v.eksAdminPrincipalArns.length === 0) {
        report(
          "eksAdminPrincipalArns",
          "at least one admin principal while eksBootstrapCreatorAdmin is false, or nobody can reach the cluster: the IAM role pulumi up runs as (`aws sts get-caller-identity`, as arn:aws:iam::<account>:role/<name>) and your team's admin roles",
        );
      }
      const exampleArns = documentationArns(v.eksAdminPrincipalArns);
      if (exampleArns.length > 0 && !ctx.examples.has("eksAdminPrincipalArns")) {
        report(
          "eksAdminPrincipalArns",
          `roles and users of your own accounts; ${exampleArns.join(", ")} is in an account of AWS's documentation, and EKS refuses an access entry for a principal that does not exist, after the cluster is created`,
        );
      }
      for (const [addon, version] of Object.entries(v.eksAddonVersions)) {
        if (!(eksAddonNames as readonly string[]).includes(addon)) {
          report("eksAddonVersions", `add-on names among ${eksAddonNames.join(", ")}; ${addon} is not one`);
        } else if (!addonVersionPattern.test(version)) {
          report("eksAddonVersions", `versions such as v1.19.5-eksbuild.1; ${addon}=${version} is not one`);
        }
      }
      if (prod && v.eksLbControllerReplicas < 2) {
        report("eksLbControllerReplicas", "at least 2 in prod, so a node drain never stops the controller");
      }
      const compute = computeSettings(
        {
          ...v,
          nodeGroupsDefault: JSON.stringify(v.eksNodeGroups) === JSON.stringify(defaultNodeGroups),
          instanceTypes: v.eksInstanceTypes,
          architecture: instanceArchitecture(v.eksInstanceTypes) ?? "x86_64",
        },
        ctx,
        report,
      );
      return {
        region: v["aws:region"],
        compute,
        profile: v["aws:profile"],
        kubernetesVersion: v.eksKubernetesVersion,
        network: {
          vpcCidr: v.eksVpcCidr,
          azCount: v.eksAzCount,
          publicSubnetCidrs: v.eksPublicSubnetCidrs,
          privateSubnetCidrs: v.eksPrivateSubnetCidrs,
          natGateways: v.eksNatGateways,
          vpcEndpoints: v.eksVpcEndpoints,
        },
        nodeGroups,
        endpoint: {
          publicAccess: v.eksEndpointPublicAccess,
          publicAccessCidrs: v.eksEndpointPublicAccess ? (v.eksPublicAccessCidrs ?? []) : [],
        },
        logging: { types: v.eksLogTypes as ControlPlaneLogType[], retentionDays: v.eksLogRetentionDays, fargate: v.eksFargateLogging },
        access: { adminPrincipalArns: v.eksAdminPrincipalArns, bootstrapCreatorAdmin: v.eksBootstrapCreatorAdmin },
        addonVersions: v.eksAddonVersions as Partial<Record<EksAddonName, string>>,
        lbControllerReplicas: v.eksLbControllerReplicas,
      };
    },
  );
}

export type EksSettings = z.output<ReturnType<typeof eksConfig>["schema"]>;
