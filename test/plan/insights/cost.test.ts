import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { estimateCost } from "../../../src/plan/insights/cost.js";
import { PriceBook } from "../../../src/plan/insights/prices.js";
import { GraphBuilder } from "../lifecycle/builder.js";

const prices = JSON.parse(readFileSync(new URL("../../../data/prices.json", import.meta.url), "utf8")) as { items: { key: string; region: string; usd: number }[] };
const usd = (key: string, region: string) => {
  const item = prices.items.find((i) => i.key === key && i.region === region);
  if (!item) throw new Error(`test setup: no ${key} in ${region}`);
  return item.usd;
};

describe("prices", () => {
  it("are taken for the stack's region, else from the cloud's base region, which the book says", () => {
    const book = new PriceBook("aws");
    expect(book.find("aws.ec2.t3.medium.linux.ondemand", "eu-west-1")).toMatchObject({ usd: usd("aws.ec2.t3.medium.linux.ondemand", "eu-west-1") });
    expect(book.find("aws.ec2.t3.medium.linux.ondemand", "eu-west-1")).not.toHaveProperty("basedOn");
    expect(book.find("aws.ec2.t3.medium.linux.ondemand", "sa-east-1")).toMatchObject({ usd: usd("aws.ec2.t3.medium.linux.ondemand", "us-east-1"), basedOn: "us-east-1" });
    expect(book.find("aws.no.such.thing", "eu-west-1")).toBeUndefined();
    // A price for every region answers for any.
    expect(new PriceBook("aws").find("eks.controlplane.standard", "ap-southeast-2")).not.toHaveProperty("basedOn");
  });
});

describe("the cost of a stack", () => {
  it("adds nodes by count and type, their root volumes by size, and a control plane by its support tier", () => {
    const g = new GraphBuilder();
    g.add("aws:eks/cluster:Cluster", "cluster", { inputs: { version: "1.36" } });
    g.add("aws:ec2/launchTemplate:LaunchTemplate", "lt", { id: "lt-1", inputs: { blockDeviceMappings: [{ ebs: { volumeSize: 50 } }] } });
    g.add("aws:eks/nodeGroup:NodeGroup", "nodes", { inputs: { instanceTypes: ["t3.medium"], scalingConfig: { desiredSize: 2 }, launchTemplate: { id: "lt-1" } } });
    const cost = estimateCost(g.capture(), "aws", "eu-west-1");
    const nodes = 2 * usd("aws.ec2.t3.medium.linux.ondemand", "eu-west-1") + (2 * 50 * usd("aws.ebs.gp3", "eu-west-1")) / 730;
    expect(cost.hourly).toBeCloseTo(nodes + 0.1, 2);
    expect(cost.monthly).toBeCloseTo((nodes + 0.1) * 730, 0);
    expect(cost.workshop4h).toBeCloseTo((nodes + 0.1) * 4, 2);
    expect(cost.byType.map((t) => t.type)).toEqual(["aws:eks/nodeGroup:NodeGroup", "aws:eks/cluster:Cluster"]);
  });

  it("prices a control plane in extended support at the extended rate", () => {
    const g = new GraphBuilder();
    g.add("aws:eks/cluster:Cluster", "cluster", { inputs: { version: "1.30" } });
    expect(estimateCost(g.capture(), "aws", "eu-west-1").hourly).toBeCloseTo(0.6, 2);
  });

  it("rounds Fargate pods up to 0.25 vCPU and 0.5 GB, counted at the autoscaler's minimum", () => {
    const g = new GraphBuilder();
    g.add("aws:eks/fargateProfile:FargateProfile", "profile", { inputs: { selectors: [{ namespace: "vote", labels: { compute: "fargate" } }] } });
    g.add("kubernetes:apps/v1:Deployment", "front", { inputs: { metadata: { name: "vote-front", namespace: "vote" }, spec: { template: { metadata: { labels: { compute: "fargate" } } } } } });
    g.add("kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "hpa", { inputs: { spec: { minReplicas: 3, scaleTargetRef: { name: "vote-front" } } } });
    const expected = 3 * (0.25 * usd("aws.fargate.vcpu", "eu-west-1") + 0.5 * usd("aws.fargate.memory", "eu-west-1"));
    expect(estimateCost(g.capture(), "aws", "eu-west-1").hourly).toBeCloseTo(expected, 3);
  });

  it("states its usage assumptions, and prices usage by the month", () => {
    const g = new GraphBuilder();
    g.add("aws:ec2/natGateway:NatGateway", "nat");
    const cost = estimateCost(g.capture(), "aws", "eu-west-1");
    expect(cost.hourly).toBeCloseTo(usd("aws.natgateway.hourly", "eu-west-1") + (20 * usd("aws.natgateway.dataProcessed", "eu-west-1")) / 730, 3);
    expect(cost.assumptions).toContainEqual(expect.stringMatching(/each NAT gateway processes 20 GB a month/));
  });

  it("lists what it cannot price, never as zero, and charges nothing for what is free", () => {
    const g = new GraphBuilder();
    g.add("aws:ec2/vpc:Vpc", "vpc");
    g.add("aws:iam/role:Role", "role");
    g.add("aws:sagemaker/domain:Domain", "unknown");
    g.add("aws:eks/nodeGroup:NodeGroup", "nodes", { inputs: { instanceTypes: ["x9.huge"], scalingConfig: { desiredSize: 1 } } });
    const cost = estimateCost(g.capture(), "aws", "eu-west-1");
    expect(cost.unpriced).toEqual([
      "aws:eks/nodeGroup:NodeGroup (no price for aws.ec2.x9.huge.linux.ondemand)",
      "aws:sagemaker/domain:Domain (no price model)",
    ]);
  });

  it("prices AKS nodes with their OS disks, at the autoscaler's minimum", () => {
    const g = new GraphBuilder();
    g.add("azure-native:containerservice:ManagedCluster", "aks", {
      inputs: { sku: { tier: "Free" }, agentPoolProfiles: [{ vmSize: "Standard_B2ms", count: 5, enableAutoScaling: true, minCount: 3 }] },
    });
    const cost = estimateCost(g.capture(), "azure", "westeurope");
    const vm = usd("azure.vm.Standard_B2ms.linux.payg", "westeurope");
    const disk = usd("azure.disk.premium.P10", "eastus") / 730;
    const lb = usd("azure.lb.standard.first5rules", "all (US list)") + usd("azure.publicip.standard.static", "westeurope");
    expect(cost.hourly).toBeCloseTo(3 * (vm + disk) + lb, 2);
    expect(cost.assumptions).toContainEqual("azure.disk.premium.P10: no westeurope price in data/prices.json; priced at eastus");
  });

  it("prices interface VPC endpoints per zone they have a subnet in, and gateway ones (S3) as free", () => {
    const g = new GraphBuilder();
    g.add("aws:ec2/vpcEndpoint:VpcEndpoint", "ecr-api", { inputs: { vpcEndpointType: "Interface", subnetIds: ["subnet-a", "subnet-b", "subnet-c"] } });
    g.add("aws:ec2/vpcEndpoint:VpcEndpoint", "s3", { inputs: { vpcEndpointType: "Gateway", routeTableIds: ["rtb-a"] } });
    g.add("aws:ec2/securityGroup:SecurityGroup", "endpoints");
    const cost = estimateCost(g.capture(), "aws", "eu-west-1");
    const expected = 3 * usd("aws.vpcendpoint.interface.hourly", "eu-west-1") + (5 * usd("aws.vpcendpoint.interface.dataProcessed", "eu-west-1")) / 730;
    expect(cost.hourly).toBeCloseTo(expected, 4);
    expect(cost.unpriced).toEqual([]);
    expect(cost.assumptions).toContainEqual(expect.stringMatching(/each VPC interface endpoint processes 5 GB a month/));
  });

  it("drops the cluster's outbound IP and load balancer when AKS goes out through a NAT gateway, and prices the gateway instead", () => {
    const cluster = (outboundType: string) => ({
      inputs: { sku: { tier: "Free" }, networkProfile: { outboundType }, agentPoolProfiles: [{ vmSize: "Standard_B2ms", count: 1 }] },
    });
    const viaLb = new GraphBuilder();
    viaLb.add("azure-native:containerservice:ManagedCluster", "aks", cluster("loadBalancer"));
    const viaNat = new GraphBuilder();
    viaNat.add("azure-native:containerservice:ManagedCluster", "aks", cluster("userAssignedNATGateway"));
    viaNat.add("azure-native:network:NatGateway", "nat");
    viaNat.add("azure-native:network:PublicIPAddress", "egress-ip");
    const lb = usd("azure.lb.standard.first5rules", "all (US list)") + usd("azure.publicip.standard.static", "westeurope");
    const nat = usd("azure.natgateway.hourly", "westeurope") + (20 * usd("azure.natgateway.dataProcessed", "westeurope")) / 730 + usd("azure.publicip.standard.static", "westeurope");
    const difference = estimateCost(viaNat.capture(), "azure", "westeurope").hourly - estimateCost(viaLb.capture(), "azure", "westeurope").hourly;
    expect(difference).toBeCloseTo(nat - lb, 4);
  });

  it("prices private endpoints, their zones, and Application Gateway for Containers, saying where a price comes from another region", () => {
    const g = new GraphBuilder();
    g.add("azure-native:network:PrivateEndpoint", "vault");
    g.add("azure-native:privatedns:PrivateZone", "zone");
    g.add("azure-native:privatedns:VirtualNetworkLink", "link");
    g.add("azure-native:network:PrivateDnsZoneGroup", "records");
    g.add("azure-native:servicenetworking:TrafficControllerInterface", "agc");
    g.add("azure-native:servicenetworking:FrontendsInterface", "frontend");
    g.add("azure-native:servicenetworking:AssociationsInterface", "association");
    const cost = estimateCost(g.capture(), "azure", "westeurope");
    const endpoint = usd("azure.privateendpoint.hourly", "westus") + (5 * usd("azure.privateendpoint.dataProcessed", "westus")) / 730;
    const zone = usd("azure.privatedns.zone", "all") / 730;
    const agc = ["azure.agc.hourly", "azure.agc.frontend", "azure.agc.association", "azure.agc.capacityUnit"].reduce((sum, key) => sum + usd(key, "eastus2"), 0);
    expect(cost.hourly).toBeCloseTo(endpoint + zone + agc, 4);
    expect(cost.unpriced).toEqual([]);
    expect(cost.assumptions).toContainEqual("azure.agc.association: no westeurope price in data/prices.json; priced at eastus2");
  });
});
