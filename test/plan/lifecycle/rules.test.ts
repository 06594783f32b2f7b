import { describe, expect, it } from "vitest";
import { karpenterCharts } from "../../../components/aws/karpenter-policy.js";
import { albControllerChart, roles } from "../../../components/azure/naming.js";
import { DependencyGraph } from "../../../src/plan/lifecycle/graph.js";
import { checkLifecycle, lifecycleRules } from "../../../src/plan/lifecycle/rules.js";
import { GraphBuilder } from "./builder.js";

/**
 * Each rule on the smallest graph it speaks of: with the edge the program makes, it holds; without it,
 * it fires, naming the resource that would be deleted too late.
 */
interface Case {
  /** Builds the graph; `ordered` says whether the edge the rule asks for is there. Returns the resource that must go first. */
  build(g: GraphBuilder, ordered: boolean): string;
}

const role = (id: string) => `/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/${id}`;
const edge = (ordered: boolean, ...urns: string[]) => (ordered ? urns : []);

const cases: Record<string, Case> = {
  "alb-before-controller": {
    build(g, ordered) {
      const policy = g.add("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "lbc-policy");
      const release = g.add("kubernetes:helm.sh/v3:Release", "lbc", { inputs: { chart: "aws-load-balancer-controller" }, dependsOn: [policy] });
      return g.add("kubernetes:networking.k8s.io/v1:Ingress", "ingress", { inputs: { spec: { ingressClassName: "alb" } }, dependsOn: edge(ordered, release) });
    },
  },
  "cloud-objects-before-egress": {
    build(g, ordered) {
      const nat = g.add("aws:ec2/natGateway:NatGateway", "nat");
      return g.add("kubernetes:core/v1:Service", "lb", { inputs: { spec: { type: "LoadBalancer" } }, dependsOn: edge(ordered, nat) });
    },
  },
  "volumes-before-csi-driver": {
    build(g, ordered) {
      const ebsRole = g.add("aws:iam/role:Role", "ebs-role", { outputs: { arn: "arn:aws:iam::1:role/ebs", name: "ebs" } });
      const attachment = g.add("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "ebs-policy", { inputs: { role: "ebs" }, dependsOn: [ebsRole] });
      const ebs = g.add("aws:eks/addon:Addon", "ebs", { inputs: { addonName: "aws-ebs-csi-driver", serviceAccountRoleArn: "arn:aws:iam::1:role/ebs" }, dependsOn: [attachment] });
      return g.add("kubernetes:apps/v1:StatefulSet", "redis", { inputs: { spec: { volumeClaimTemplates: [{ spec: {} }] } }, dependsOn: edge(ordered, ebs) });
    },
  },
  "claims-before-storage-class": {
    build(g, ordered) {
      const sc = g.add("kubernetes:storage.k8s.io/v1:StorageClass", "sc", { inputs: { metadata: { name: "gp3" } } });
      return g.add("kubernetes:apps/v1:StatefulSet", "redis", {
        inputs: { spec: { volumeClaimTemplates: [{ spec: { storageClassName: "gp3" } }] } },
        dependsOn: edge(ordered, sc),
      });
    },
  },
  "workloads-before-nodes": {
    build(g, ordered) {
      const pool = g.add("azure-native:containerservice:AgentPool", "apps");
      return g.add("kubernetes:apps/v1:Deployment", "front", { dependsOn: edge(ordered, pool) });
    },
  },
  "fargate-pods-before-profile": {
    build(g, ordered) {
      const profile = g.add("aws:eks/fargateProfile:FargateProfile", "fargate", { inputs: { selectors: [{ namespace: "vote", labels: { compute: "fargate" } }] } });
      return g.add("kubernetes:apps/v1:Deployment", "front", {
        inputs: { metadata: { namespace: "vote" }, spec: { template: { metadata: { labels: { compute: "fargate", app: "front" } } } } },
        dependsOn: edge(ordered, profile),
      });
    },
  },
  "fargate-pods-after-logging": {
    build(g, ordered) {
      const trust = JSON.stringify({ Statement: [{ Principal: { Service: "eks-fargate-pods.amazonaws.com" } }] });
      g.add("aws:iam/role:Role", "fargate-role", { inputs: { assumeRolePolicy: trust }, outputs: { name: "fargate" } });
      const write = g.add("aws:iam/rolePolicy:RolePolicy", "write-logs", { inputs: { role: "fargate", policy: JSON.stringify({ Statement: [{ Action: ["logs:PutLogEvents"] }] }) } });
      const config = g.add("kubernetes:core/v1:ConfigMap", "aws-logging", { inputs: { metadata: { name: "aws-logging", namespace: "aws-observability" } }, dependsOn: [write] });
      const profile = g.add("aws:eks/fargateProfile:FargateProfile", "fargate", { inputs: { selectors: [{ namespace: "vote", labels: { compute: "fargate" } }] } });
      return g.add("kubernetes:apps/v1:Deployment", "front", {
        inputs: { metadata: { namespace: "vote" }, spec: { template: { metadata: { labels: { compute: "fargate" } } } } },
        dependsOn: [profile, ...edge(ordered, config, write)],
      });
    },
  },
  "nat-before-internet-route": {
    build(g, ordered) {
      const igw = g.add("aws:ec2/internetGateway:InternetGateway", "igw");
      const table = g.add("aws:ec2/routeTable:RouteTable", "public-rt", { id: "rtb-public" });
      const route = g.add("aws:ec2/route:Route", "internet", { inputs: { gatewayId: "igw-1", routeTableId: "rtb-public" }, dependsOn: [igw, table] });
      const association = g.add("aws:ec2/routeTableAssociation:RouteTableAssociation", "public-rta", { inputs: { routeTableId: "rtb-public" }, dependsOn: [table] });
      return g.add("aws:ec2/natGateway:NatGateway", "nat", { dependsOn: [igw, ...edge(ordered, route, association)] });
    },
  },
  "addons-before-their-roles": {
    build(g, ordered) {
      const cniRole = g.add("aws:iam/role:Role", "cni-role", { outputs: { arn: "arn:aws:iam::1:role/cni", name: "cni" } });
      const attachment = g.add("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "cni-policy", { inputs: { role: "cni" }, dependsOn: [cniRole] });
      return g.add("aws:eks/addon:Addon", "cni", { inputs: { addonName: "vpc-cni", serviceAccountRoleArn: "arn:aws:iam::1:role/cni" }, dependsOn: [cniRole, ...edge(ordered, attachment)] });
    },
  },
  "controller-after-coredns": {
    build(g, ordered) {
      const coredns = g.add("aws:eks/addon:Addon", "coredns", { inputs: { addonName: "coredns" } });
      return g.add("kubernetes:helm.sh/v3:Release", "lbc", { inputs: { chart: "aws-load-balancer-controller" }, dependsOn: edge(ordered, coredns) });
    },
  },
  "kubernetes-objects-before-access": {
    build(g, ordered) {
      const access = g.add("aws:eks/accessPolicyAssociation:AccessPolicyAssociation", "admin");
      const provider = g.add("pulumi:providers:kubernetes", "k8s", { dependsOn: edge(ordered, access) });
      return g.add("kubernetes:core/v1:Namespace", "vote", { provider });
    },
  },
  "load-balancers-before-network-role": {
    build(g, ordered) {
      g.add("azure-native:containerservice:ManagedCluster", "aks", { inputs: { agentPoolProfiles: [{ vnetSubnetID: "/subnets/nodes" }] } });
      const network = g.add("azure-native:authorization:RoleAssignment", "network", { inputs: { scope: "/subnets/nodes", roleDefinitionId: role(roles.networkContributor) } });
      return g.add("kubernetes:core/v1:Service", "lb", { inputs: { spec: { type: "LoadBalancer" } }, dependsOn: edge(ordered, network) });
    },
  },
  "data-plane-before-role": {
    build(g, ordered) {
      g.add("azure-native:keyvault:Vault", "vault", { id: "/vaults/kv1", outputs: { name: "kv1" } });
      const officer = g.add("azure-native:authorization:RoleAssignment", "officer", { inputs: { scope: "/vaults/kv1", roleDefinitionId: role(roles.keyVaultSecretsOfficer) } });
      return g.add("azure-native:keyvault:Secret", "secret", { inputs: { vaultName: "kv1" }, dependsOn: edge(ordered, officer) });
    },
  },
  "workloads-after-private-endpoints": {
    build(g, ordered) {
      const zone = g.add("azure-native:privatedns:PrivateZone", "vault-zone");
      const link = g.add("azure-native:privatedns:VirtualNetworkLink", "vault-link", { dependsOn: [zone] });
      const endpoint = g.add("azure-native:network:PrivateEndpoint", "vault-endpoint");
      const records = g.add("azure-native:network:PrivateDnsZoneGroup", "vault-records", { dependsOn: [endpoint, zone] });
      return g.add("kubernetes:apps/v1:Deployment", "front", { dependsOn: edge(ordered, link, records) });
    },
  },
  "secret-store-before-identity": {
    build(g, ordered) {
      const federation = g.add("azure-native:managedidentity:FederatedIdentityCredential", "federation", {
        inputs: { subject: "system:serviceaccount:vote:secrets-reader" },
      });
      const reader = g.add("azure-native:authorization:RoleAssignment", "reader", { inputs: { scope: "/vaults/kv1", roleDefinitionId: role(roles.keyVaultSecretsUser) } });
      return g.add("kubernetes:apps/v1:StatefulSet", "redis", {
        inputs: {
          metadata: { namespace: "vote" },
          spec: { template: { spec: { serviceAccountName: "secrets-reader", volumes: [{ name: "store", csi: { driver: "secrets-store.csi.k8s.io" } }] } } },
        },
        dependsOn: edge(ordered, federation, reader),
      });
    },
  },
  "karpenter-nodes-before-controller": {
    build(g, ordered) {
      const subnet = g.add("aws:ec2/subnet:Subnet", "private-0");
      const nat = g.add("aws:ec2/natGateway:NatGateway", "nat", { dependsOn: [subnet] });
      const queue = g.add("aws:sqs/queue:Queue", "interruption");
      const rule = g.add("aws:cloudwatch/eventRule:EventRule", "spot", { dependsOn: [queue] });
      const policy = g.add("aws:iam/rolePolicy:RolePolicy", "controller-policy");
      const entry = g.add("aws:eks/accessEntry:AccessEntry", "nodes");
      const release = g.add("kubernetes:helm.sh/v3:Release", "karpenter", { inputs: { chart: karpenterCharts.controller }, dependsOn: [policy, queue, rule, entry, nat] });
      return g.add("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "default", { dependsOn: edge(ordered, release) });
    },
  },
  "gateway-before-controller": {
    build(g, ordered) {
      const federation = g.add("azure-native:managedidentity:FederatedIdentityCredential", "alb-federation", {
        inputs: { subject: "system:serviceaccount:azure-alb-system:alb-controller-sa" },
      });
      const subnetRole = g.add("azure-native:authorization:RoleAssignment", "alb-subnet", { inputs: { scope: "/subnets/agc", roleDefinitionId: role(roles.networkContributor) } });
      const release = g.add("kubernetes:helm.sh/v3:Release", "alb", { inputs: { chart: albControllerChart.chart }, dependsOn: [federation, subnetRole] });
      const frontend = g.add("azure-native:servicenetworking:FrontendsInterface", "frontend");
      const association = g.add("azure-native:servicenetworking:AssociationsInterface", "association");
      return g.add("kubernetes:gateway.networking.k8s.io/v1:Gateway", "gateway", { dependsOn: edge(ordered, release, frontend, association) });
    },
  },
};

describe("lifecycle rules", () => {
  it("each have a case here", () => {
    expect(Object.keys(cases).sort()).toEqual(lifecycleRules.map((r) => r.id).sort());
  });

  describe.each(Object.entries(cases))("%s", (id, testCase) => {
    it("holds when the program makes the edge", () => {
      const g = new GraphBuilder();
      testCase.build(g, true);
      expect(checkLifecycle(new DependencyGraph(g.capture())).filter((v) => v.rule === id)).toEqual([]);
    });

    it("fires on a graph without it, naming what would be deleted too late", () => {
      const g = new GraphBuilder();
      const first = testCase.build(g, false);
      const violations = checkLifecycle(new DependencyGraph(g.capture())).filter((v) => v.rule === id);
      expect(violations.length).toBeGreaterThan(0);
      expect(violations.every((v) => v.urn === first)).toBe(true);
      expect(violations[0]?.detail).toMatch(/must be deleted before|needs/);
    });
  });

  it("keeps the load balancers' controllers their VPC endpoints, not only their NAT gateways", () => {
    const g = new GraphBuilder();
    const nat = g.add("aws:ec2/natGateway:NatGateway", "nat");
    g.add("aws:ec2/vpcEndpoint:VpcEndpoint", "elb-endpoint", { inputs: { serviceName: "com.amazonaws.eu-west-1.elasticloadbalancing" } });
    const ingress = g.add("kubernetes:networking.k8s.io/v1:Ingress", "ingress", { dependsOn: [nat] });
    const violations = checkLifecycle(new DependencyGraph(g.capture())).filter((v) => v.rule === "cloud-objects-before-egress");
    expect(violations.map((v) => [v.urn, v.detail])).toEqual([[ingress, expect.stringMatching(/before VpcEndpoint elb-endpoint/)]]);
  });

  it("asks pods that mount the store for their own ServiceAccount's federation, not a controller's", () => {
    const g = new GraphBuilder();
    g.add("azure-native:managedidentity:FederatedIdentityCredential", "reader-federation", { inputs: { subject: "system:serviceaccount:vote:secrets-reader" } });
    g.add("azure-native:managedidentity:FederatedIdentityCredential", "alb-federation", {
      inputs: { subject: "system:serviceaccount:azure-alb-system:alb-controller-sa" },
    });
    const pods = g.add("kubernetes:apps/v1:Deployment", "front", {
      inputs: {
        metadata: { namespace: "vote" },
        spec: { template: { spec: { serviceAccountName: "secrets-reader", volumes: [{ name: "store", csi: { driver: "secrets-store.csi.k8s.io" } }] } } },
      },
    });
    const violations = checkLifecycle(new DependencyGraph(g.capture())).filter((v) => v.rule === "secret-store-before-identity");
    expect(violations.map((v) => [v.urn, v.detail])).toEqual([[pods, expect.stringMatching(/before FederatedIdentityCredential reader-federation/)]]);
  });

  it("names a missing counterpart: a secret with no data-plane role for the deployer, an ALB Ingress with no controller", () => {
    const g = new GraphBuilder();
    g.add("azure-native:keyvault:Vault", "vault", { id: "/vaults/kv1", outputs: { name: "kv1" } });
    g.add("azure-native:keyvault:Secret", "secret", { inputs: { vaultName: "kv1" } });
    g.add("kubernetes:networking.k8s.io/v1:Ingress", "ingress", { inputs: { spec: { ingressClassName: "alb" } } });
    const details = checkLifecycle(new DependencyGraph(g.capture())).map((v) => `${v.rule}: ${v.detail}`);
    expect(details).toEqual([
      "alb-before-controller: Ingress ingress needs an AWS Load Balancer Controller release, to go after it, and the stack has none",
      "data-plane-before-role: Secret secret needs a Key Vault Secrets Officer role assignment on its vault, for the deployer, to go after it, and the stack has none",
    ]);
  });
});
