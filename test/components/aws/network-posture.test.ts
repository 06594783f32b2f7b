import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { captureStack, type Capture, type CapturedResource } from "../../../src/plan/capture.js";
import { kubernetesObjects, type KubeObject } from "../../../src/plan/manifests.js";
import { all, one, policy, transitiveDependencies } from "../../support/capture-helpers.js";

/**
 * The prod network posture of EKS (VPC endpoints, Fargate logging, HTTPS) against dev, which has none of it.
 * One capture each of dev-eks, prod-eks, and prod-eks given an ACM certificate.
 */
const endpointType = "aws:ec2/vpcEndpoint:VpcEndpoint";
const certificateArn = "arn:aws:acm:eu-west-1:210987654321:certificate/0b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d";

let dev: Capture;
let prod: Capture;
let withCertificate: Capture;
/** What `pulumi.log.warn` said while each prod stack ran. */
const warned: Record<"prod" | "withCertificate", string[]> = { prod: [], withCertificate: [] };

beforeAll(async () => {
  dev = await captureStack("dev-eks");
  const warn = vi.spyOn(pulumi.log, "warn").mockResolvedValue(undefined);
  prod = await captureStack("prod-eks", {}, { offline: true });
  warned.prod = warn.mock.calls.map(([message]) => message);
  warn.mockClear();
  withCertificate = await captureStack("prod-eks", { appCertificate: certificateArn, appHostname: "vote.example.com" }, { offline: true });
  warned.withCertificate = warn.mock.calls.map(([message]) => message);
  warn.mockRestore();
});

const endpoints = (c: Capture) => all(c, endpointType);
const privateSubnets = (c: Capture) => all(c, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes("-private-"));

describe("VPC endpoints", () => {
  it("are off in dev, whose nodes reach AWS through NAT", () => {
    expect(endpoints(dev)).toEqual([]);
  });

  it("in prod, serve the APIs the nodes, IRSA, the CNI, the controllers and Fargate's log router call", () => {
    expect(endpoints(prod).map((e) => [e.inputs.serviceName, e.inputs.vpcEndpointType]).sort()).toEqual([
      ["com.amazonaws.eu-west-1.ec2", "Interface"],
      ["com.amazonaws.eu-west-1.ecr.api", "Interface"],
      ["com.amazonaws.eu-west-1.ecr.dkr", "Interface"],
      ["com.amazonaws.eu-west-1.elasticloadbalancing", "Interface"],
      ["com.amazonaws.eu-west-1.logs", "Interface"],
      ["com.amazonaws.eu-west-1.s3", "Gateway"],
      // Karpenter's interruption queue, with Karpenter the default compute.
      ["com.amazonaws.eu-west-1.sqs", "Interface"],
      ["com.amazonaws.eu-west-1.sts", "Interface"],
    ]);
  });

  it("put an interface in each private subnet, with private DNS, in a VPC that has DNS hostnames on", () => {
    const subnetIds = privateSubnets(prod).map((s) => s.id).sort();
    expect(subnetIds).toHaveLength(3);
    for (const endpoint of endpoints(prod).filter((e) => e.inputs.vpcEndpointType === "Interface")) {
      // privateDnsEnabled defaults to false; without it the services' usual names still resolve to the internet.
      expect(endpoint.inputs.privateDnsEnabled).toBe(true);
      expect([...(endpoint.inputs.subnetIds as string[])].sort()).toEqual(subnetIds);
    }
    expect(one(prod, "aws:ec2/vpc:Vpc").inputs).toMatchObject({ enableDnsSupport: true, enableDnsHostnames: true });
  });

  it("route S3 (image layers) through the gateway endpoint from the private route tables only", () => {
    const s3 = endpoints(prod).find((e) => String(e.inputs.serviceName).endsWith(".s3"));
    const privateTables = all(prod, "aws:ec2/routeTable:RouteTable").filter((t) => t.name.includes("-private-")).map((t) => t.id).sort();
    expect([...(s3?.inputs.routeTableIds as string[])].sort()).toEqual(privateTables);
  });

  it("accept HTTPS from the VPC alone, with a security group of their own (not the VPC's default)", () => {
    const group = one(prod, "aws:ec2/securityGroup:SecurityGroup", "endpoints-sg");
    expect(group.inputs.ingress).toEqual([expect.objectContaining({ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["10.20.0.0/16"] })]);
    expect(group.inputs.egress).toEqual([]);
    for (const endpoint of endpoints(prod).filter((e) => e.inputs.vpcEndpointType === "Interface")) {
      expect(endpoint.inputs.securityGroupIds).toEqual([group.id]);
    }
  });

  it("come before the nodes and Fargate pods, and so go after them and the ALB", () => {
    const ids = endpoints(prod).map((e) => e.urn);
    for (const type of ["aws:eks/nodeGroup:NodeGroup", "aws:eks/fargateProfile:FargateProfile", "kubernetes:networking.k8s.io/v1:Ingress"]) {
      const waitsFor = transitiveDependencies(prod, one(prod, type)).map((r) => r.urn);
      expect(waitsFor).toEqual(expect.arrayContaining(ids));
    }
  });
});

const configMap = (c: Capture) => all(c, "kubernetes:core/v1:ConfigMap").find((m) => (m.inputs.metadata as { name?: string }).name === "aws-logging");
const frontEnd = (c: Capture) => one(c, "kubernetes:apps/v1:Deployment", "vote-front-deployment");

describe("Fargate logging", () => {
  it("is off in dev", () => {
    expect(configMap(dev)).toBeUndefined();
  });

  it("configures Fargate's log router where EKS looks for it: aws-logging in a labelled aws-observability namespace", () => {
    const namespace = one(prod, "kubernetes:core/v1:Namespace", "fargate-logging-namespace");
    expect(namespace.inputs.metadata).toMatchObject({ name: "aws-observability", labels: { "aws-observability": "enabled" } });
    const config = configMap(prod) as CapturedResource;
    expect(config.inputs.metadata).toMatchObject({ namespace: "aws-observability" });
    // EKS takes only [FILTER], [OUTPUT] and [PARSER] sections, under keys of their own, up to 5300 characters.
    const data = config.inputs.data as Record<string, string>;
    expect(Object.keys(data).sort()).toEqual(["flb_log_cw", "output.conf"]);
    expect(JSON.stringify(data).length).toBeLessThan(5300);
    expect(data["output.conf"]).toMatch(/^\[OUTPUT\]\n {4}Name cloudwatch_logs\n {4}Match kube\.\*\n/);
    expect(data["output.conf"]).toContain("log_group_name /aws/eks/voting-platform-prod-eks/fargate");
    expect(data["output.conf"]).toContain("region eu-west-1");
    expect(data["output.conf"]).toContain("auto_create_group false");
  });

  it("writes to a group of the stack's own, kept as long as the control-plane logs", () => {
    const group = one(prod, "aws:cloudwatch/logGroup:LogGroup", "fargate-logging-logs");
    expect(group.inputs).toMatchObject({ name: "/aws/eks/voting-platform-prod-eks/fargate", retentionInDays: 90 });
  });

  it("lets the pod execution role write to that group and nothing else", () => {
    const fargateRole = one(prod, "aws:iam/role:Role", "roles-fargate");
    const write = one(prod, "aws:iam/rolePolicy:RolePolicy", "fargate-logging-write");
    expect(write.inputs.role).toBe(fargateRole.outputs.name);
    const group = one(prod, "aws:cloudwatch/logGroup:LogGroup", "fargate-logging-logs");
    const arn = String(group.outputs.arn);
    expect(policy(write, "policy").Statement).toEqual([
      { Effect: "Allow", Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], Resource: [arn, `${arn}:log-stream:*`] },
    ]);
  });

  it("is in place before the front end's Fargate pods start, which read it once", () => {
    const waitsFor = transitiveDependencies(prod, frontEnd(prod)).map((r) => r.urn);
    expect(waitsFor).toEqual(expect.arrayContaining([(configMap(prod) as CapturedResource).urn, one(prod, "aws:iam/rolePolicy:RolePolicy", "fargate-logging-write").urn]));
  });

  it("holds no pod and takes no traffic", () => {
    const namespace = one(prod, "kubernetes:core/v1:Namespace", "fargate-logging-namespace");
    expect((namespace.inputs.metadata as { labels: Record<string, string> }).labels["pod-security.kubernetes.io/enforce"]).toBe("restricted");
    const deny = one(prod, "kubernetes:networking.k8s.io/v1:NetworkPolicy", "fargate-logging-deny-all");
    expect(deny.inputs).toMatchObject({ metadata: { namespace: "aws-observability" }, spec: { podSelector: {}, policyTypes: ["Ingress", "Egress"] } });
  });
});

const ingress = (capture: Capture) => kubernetesObjects(capture).find((o) => o.kind === "Ingress") as KubeObject & { spec: { rules: Record<string, unknown>[] } };

describe("the app over HTTPS on EKS", () => {
  it("adds the HTTPS listener with the certificate and a current TLS 1.3 policy, and redirects HTTP to it", () => {
    const annotations = (ingress(withCertificate).metadata?.annotations ?? {}) as Record<string, string>;
    expect(annotations).toMatchObject({
      "alb.ingress.kubernetes.io/certificate-arn": certificateArn,
      "alb.ingress.kubernetes.io/ssl-redirect": "443",
      "alb.ingress.kubernetes.io/ssl-policy": "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    });
    expect(JSON.parse(annotations["alb.ingress.kubernetes.io/listen-ports"] ?? "[]")).toEqual([{ HTTP: 80 }, { HTTPS: 443 }]);
  });

  it("answers for the certificate's host name, which appUrl names with https", () => {
    expect(ingress(withCertificate).spec.rules[0]?.host).toBe("vote.example.com");
    expect(withCertificate.outputs.appUrl?.value).toBe("https://vote.example.com");
  });

  it("serves plain HTTP on the ALB's own name without a certificate", () => {
    const annotations = (ingress(prod).metadata?.annotations ?? {}) as Record<string, string>;
    expect(annotations["alb.ingress.kubernetes.io/certificate-arn"]).toBeUndefined();
    expect(JSON.parse(annotations["alb.ingress.kubernetes.io/listen-ports"] ?? "[]")).toEqual([{ HTTP: 80 }]);
    expect(ingress(prod).spec.rules[0]?.host).toBeUndefined();
    expect(String(prod.outputs.appUrl?.value)).toMatch(/^http:\/\/.+\.elb\.amazonaws\.com$/);
  });

  it("warns that prod serves plain HTTP without a certificate, and is quiet with one", () => {
    expect(warned.prod.filter((m) => m.includes("appCertificate"))).toEqual([expect.stringMatching(/plain HTTP/)]);
    expect(warned.withCertificate.filter((m) => m.includes("appCertificate"))).toEqual([]);
  });
});
