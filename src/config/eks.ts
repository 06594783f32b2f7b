import type { z } from "zod";
import { parseCidr } from "./cidr.js";
import { field } from "./fields.js";
import { defineFragment, type ConfigContext } from "./fragment.js";

const awsRegion = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$/;
/** Family, generation and options, a dot, then the size: t3.medium, m7g.xlarge, c6in.2xlarge. */
export const instanceTypePattern = /^[a-z]+\d[a-z0-9-]*\.[a-z0-9]+$/;

/** The EKS platform's keys, with defaults that depend on the environment. */
export function eksConfig(ctx: ConfigContext) {
  const prod = ctx.environment === "prod";
  return defineFragment(
    {
      "aws:region": field.string({ pattern: awsRegion, expected: "an AWS region code such as eu-west-1" }),
      eksKubernetesVersion: field.string({
        default: "1.33",
        pattern: /^1\.\d{2}$/,
        expected: "an EKS Kubernetes minor version such as 1.33",
      }),
      eksVpcCidr: field.cidr({ default: "10.20.0.0/16" }),
      eksAzCount: field.integer({ min: 2, max: 3, default: prod ? 3 : 2 }),
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
    },
    (v, report) => {
      const vpc = parseCidr(v.eksVpcCidr);
      if (vpc && vpc.prefix > 20) {
        report("eksVpcCidr", "a block of /20 or larger, to hold a public and a private subnet per AZ");
      }
      if (v.eksNodeMinSize > v.eksNodeMaxSize) {
        report("eksNodeMinSize", `at most eksNodeMaxSize (${v.eksNodeMaxSize})`);
      }
      if (v.eksNodeDesiredSize < v.eksNodeMinSize || v.eksNodeDesiredSize > v.eksNodeMaxSize) {
        report("eksNodeDesiredSize", `a size from eksNodeMinSize to eksNodeMaxSize (${v.eksNodeMinSize} to ${v.eksNodeMaxSize})`);
      }
      return {
        region: v["aws:region"],
        kubernetesVersion: v.eksKubernetesVersion,
        vpcCidr: v.eksVpcCidr,
        azCount: v.eksAzCount,
        nodes: {
          instanceTypes: v.eksInstanceTypes,
          minSize: v.eksNodeMinSize,
          maxSize: v.eksNodeMaxSize,
          desiredSize: v.eksNodeDesiredSize,
        },
      };
    },
  );
}

export type EksSettings = z.output<ReturnType<typeof eksConfig>["schema"]>;
