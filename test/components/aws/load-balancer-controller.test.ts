import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { loadBalancerControllerChart, loadBalancerControllerPolicy } from "../../../components/aws/load-balancer-controller.js";
import { captureStack, type Capture } from "../../../src/plan/capture.js";
import { one, policy } from "../../support/capture-helpers.js";

type Statement = { Effect: string; Action: string[]; Resource: string | string[]; Condition?: Record<string, Record<string, unknown>> };
const published = loadBalancerControllerPolicy();
const statements = published.Statement as unknown as Statement[];
const withAction = (action: string) => statements.filter((s) => s.Action.includes(action));

describe("the controller's IAM policy file", () => {
  it("names the controller version its chart installs", () => {
    const readme = readFileSync(new URL("../../../components/aws/policies/README.md", import.meta.url), "utf8");
    expect(readme).toContain(`tag **${loadBalancerControllerChart.appVersion}**`);
    expect(readme).toContain(`chart **${loadBalancerControllerChart.version}**`);
  });

  it("lets the controller create the ELB service-linked role and nothing else", () => {
    expect(withAction("iam:CreateServiceLinkedRole")).toEqual([
      expect.objectContaining({ Condition: { StringEquals: { "iam:AWSServiceName": "elasticloadbalancing.amazonaws.com" } } }),
    ]);
  });

  it("creates load balancers and target groups only with the cluster tag on the request", () => {
    const create = withAction("elasticloadbalancing:CreateLoadBalancer");
    expect(create).toHaveLength(1);
    expect(create[0]?.Action).toContain("elasticloadbalancing:CreateTargetGroup");
    expect(create[0]?.Condition).toEqual({ Null: { "aws:RequestTag/elbv2.k8s.aws/cluster": "false" } });
  });

  it("deletes only load balancers, target groups and security groups that carry the cluster tag", () => {
    for (const action of ["elasticloadbalancing:DeleteLoadBalancer", "elasticloadbalancing:DeleteTargetGroup", "ec2:DeleteSecurityGroup"]) {
      const granting = withAction(action);
      expect(granting.length, action).toBeGreaterThan(0);
      for (const s of granting) expect(s.Condition?.Null, action).toMatchObject({ "aws:ResourceTag/elbv2.k8s.aws/cluster": "false" });
    }
  });

  it("carries the permissions newer controllers call, such as listener attributes and rule priorities", () => {
    const actions = statements.flatMap((s) => s.Action);
    for (const action of [
      "ec2:GetSecurityGroupsForVpc",
      "elasticloadbalancing:DescribeListenerAttributes",
      "elasticloadbalancing:ModifyListenerAttributes",
      "elasticloadbalancing:SetRulePriorities",
      "elasticloadbalancing:AddTags",
      "wafv2:AssociateWebACL",
    ]) {
      expect(actions, action).toContain(action);
    }
    expect(actions.some((a) => a.endsWith(":*"))).toBe(false);
  });

  it("moves its ARNs to the partition it runs in", () => {
    const china = JSON.stringify(loadBalancerControllerPolicy("aws-cn"));
    expect(china).toContain('"arn:aws-cn:elasticloadbalancing:*:*:targetgroup/*/*"');
    expect(china).not.toContain('"arn:aws:');
  });
});

let dev: Capture;
let prod: Capture;
beforeAll(async () => {
  dev = await captureStack("dev-eks");
  prod = await captureStack("prod-eks", {}, { offline: true });
});
const release = (c: Capture) => one(c, "kubernetes:helm.sh/v3:Release", "lb-controller-release");

describe("the controller's release", () => {
  it("installs the pinned chart from the EKS charts repository, atomically, with a timeout", () => {
    expect(release(dev).inputs).toMatchObject({
      chart: "aws-load-balancer-controller",
      version: "1.13.4",
      repositoryOpts: { repo: "https://aws.github.io/eks-charts" },
      namespace: "kube-system",
      timeout: 600,
      atomic: true,
      cleanupOnFail: true,
    });
  });

  it("is told the cluster, region and VPC, since pods cannot ask IMDS, and uses the IRSA role", () => {
    const values = release(dev).inputs.values as Record<string, unknown>;
    const role = one(dev, "aws:iam/role:Role", "lb-controller-irsa-role");
    expect(values).toMatchObject({
      clusterName: "voting-platform-dev-eks",
      region: "eu-west-1",
      vpcId: one(dev, "aws:ec2/vpc:Vpc").id,
      serviceAccount: { create: true, name: "aws-load-balancer-controller", annotations: { "eks.amazonaws.com/role-arn": role.outputs.arn } },
      createIngressClassResource: true,
      ingressClass: "alb",
    });
    const issuer = String(one(dev, "aws:iam/openIdConnectProvider:OpenIdConnectProvider").inputs.url).replace("https://", "");
    expect(policy(role, "assumeRolePolicy").Statement[0]?.Condition).toEqual({
      StringEquals: { [`${issuer}:sub`]: "system:serviceaccount:kube-system:aws-load-balancer-controller", [`${issuer}:aud`]: "sts.amazonaws.com" },
    });
    const attached = one(dev, "aws:iam/policy:Policy", "lb-controller-irsa-policy");
    expect(JSON.parse(String(attached.inputs.policy))).toEqual(published);
  });

  it("never calls Shield or WAF, which no Ingress of ours uses and no VPC endpoint serves", () => {
    // The chart turns all three on by default; Shield is then asked for its subscription on every reconcile.
    expect(release(prod).inputs.values).toMatchObject({ enableShield: false, enableWaf: false, enableWafv2: false });
  });

  it("runs one replica in dev and two with a disruption budget in prod", () => {
    expect(release(dev).inputs.values).toMatchObject({ replicaCount: 1 });
    expect(release(dev).inputs.values).not.toHaveProperty("podDisruptionBudget");
    expect(release(prod).inputs.values).toMatchObject({ replicaCount: 2, podDisruptionBudget: { maxUnavailable: 1 } });
  });

  it("waits for the node groups, the VPC CNI and its own permissions, through the cluster's provider", () => {
    const r = release(prod);
    const cni = prod.resources.find((x) => x.type === "aws:eks/addon:Addon" && x.inputs.addonName === "vpc-cni");
    const nodeGroups = prod.resources.filter((x) => x.type === "aws:eks/nodeGroup:NodeGroup").map((x) => x.urn);
    expect(r.dependencies).toEqual(expect.arrayContaining([...nodeGroups, cni?.urn, one(prod, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "lb-controller-irsa-policy").urn]));
    expect(r.provider).toBe(one(prod, "pulumi:providers:kubernetes").urn);
  });
});
