import * as ec2 from "@pulumi/aws/ec2/index.js";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones.js";
import * as pulumi from "@pulumi/pulumi";
import { parseCidr } from "../cidr.js";
import { subnetLayout } from "./network-layout.js";

export interface VpcArgs {
  /** The VPC's IPv4 block; /20 or larger. */
  cidrBlock: string;
  /** Availability zones to spread the subnets over: the first `azCount` available ones of the region. */
  azCount: number;
  /**
   * The name of the EKS cluster that will use the VPC. Subnets carry `kubernetes.io/cluster/<name>`,
   * so the name must be known before the cluster exists.
   */
  clusterName: string;
  /** One public subnet per AZ. @default - the last quarter of `cidrBlock`, split in four */
  publicSubnetCidrs?: string[];
  /** One private subnet per AZ. @default - a quarter of `cidrBlock` each */
  privateSubnetCidrs?: string[];
  /**
   * `single` NAT gateway for all AZs (cheap; an AZ outage cuts egress for the others), or one `perAz`.
   * @default "perAz"
   */
  natGateways?: "single" | "perAz";
  /** Tags on every resource. @default {} */
  tags?: Record<string, string>;
  /**
   * More tags on the private subnets, such as Karpenter's `karpenter.sh/discovery`, by which it finds the
   * subnets to launch nodes in. @default {}
   */
  privateSubnetTags?: Record<string, string>;
}

/**
 * A VPC for EKS: a public and a private subnet per AZ, with the role tags the AWS Load Balancer
 * Controller uses to place load balancers, an internet gateway, and NAT gateways for the private side.
 */
export class Vpc extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly natGateways: ec2.NatGateway[];
  /**
   * The routes and associations that give the private subnets their way out through NAT. What runs in
   * the private subnets (nodes, Fargate pods) depends on these; the cluster's control plane does not.
   */
  readonly privateEgress: pulumi.Resource[];
  /** The private subnets' route tables, one per subnet, in AZ order. */
  readonly privateRouteTableIds: pulumi.Output<string>[];

  constructor(name: string, args: VpcArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:Vpc", name, {}, opts);
    const natGateways = args.natGateways ?? "perAz";
    const tags = args.tags ?? {};
    const layout = subnetLayout(args.cidrBlock, args.azCount);
    const publicCidrs = args.publicSubnetCidrs ?? layout.public;
    const privateCidrs = args.privateSubnetCidrs ?? layout.private;
    for (const [arg, cidrs] of [["publicSubnetCidrs", publicCidrs], ["privateSubnetCidrs", privateCidrs]] as const) {
      if (cidrs.length !== args.azCount) throw new Error(`${arg}: ${cidrs.length} blocks given for ${args.azCount} AZs`);
      const bad = cidrs.find((c) => parseCidr(c) === undefined);
      if (bad !== undefined) throw new Error(`${arg}: ${JSON.stringify(bad)} is not an IPv4 CIDR block`);
    }
    const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: "shared" };
    const named = (role: string, extra: Record<string, string> = {}) => ({ ...tags, ...extra, Name: `${name}-${role}` });

    const zones = this.availabilityZones(args.azCount);
    const vpc = new ec2.Vpc(
      `${name}-vpc`,
      // EKS needs DNS support and hostnames for the private endpoint and node registration.
      { cidrBlock: args.cidrBlock, enableDnsSupport: true, enableDnsHostnames: true, tags: named("vpc") },
      { parent: this },
    );
    const igw = new ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id, tags: named("igw") }, { parent: this });

    const publicSubnets = publicCidrs.map(
      (cidr, i) =>
        new ec2.Subnet(
          `${name}-public-${i}`,
          {
            vpcId: vpc.id,
            cidrBlock: cidr,
            availabilityZone: zones[i],
            // Nothing of ours runs with a public address; ALBs and NAT gateways bring their own.
            mapPublicIpOnLaunch: false,
            tags: named(`public-${i}`, { ...clusterTag, "kubernetes.io/role/elb": "1" }),
          },
          { parent: this },
        ),
    );
    const privateSubnets = privateCidrs.map(
      (cidr, i) =>
        new ec2.Subnet(
          `${name}-private-${i}`,
          {
            vpcId: vpc.id,
            cidrBlock: cidr,
            availabilityZone: zones[i],
            tags: named(`private-${i}`, { ...clusterTag, "kubernetes.io/role/internal-elb": "1", ...args.privateSubnetTags }),
          },
          { parent: this },
        ),
    );

    const publicEgress = this.createPublicRoutes(name, vpc, igw, publicSubnets, named);
    this.natGateways = this.createNatGateways(name, natGateways === "single" ? 1 : args.azCount, publicSubnets, publicEgress, named);
    const privateRoutes = this.createPrivateRoutes(name, vpc, privateSubnets, named);
    this.privateEgress = privateRoutes.egress;
    this.privateRouteTableIds = privateRoutes.tables.map((t) => t.id);

    this.vpcId = vpc.id;
    this.publicSubnetIds = publicSubnets.map((s) => s.id);
    this.privateSubnetIds = privateSubnets.map((s) => s.id);
    this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
  }

  /** The first `count` zones of the region that need no opt-in, failing clearly when there are fewer. */
  private availabilityZones(count: number): pulumi.Output<string>[] {
    const zones = getAvailabilityZonesOutput(
      { state: "available", filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }] },
      { parent: this },
    );
    return Array.from({ length: count }, (_, i) =>
      zones.names.apply((names) => {
        const zone = names[i];
        if (zone === undefined) {
          throw new Error(`eksAzCount: ${count} AZs asked for, but the region offers ${names.length} (${names.join(", ")})`);
        }
        return zone;
      }),
    );
  }

  private createPublicRoutes(
    name: string,
    vpc: ec2.Vpc,
    igw: ec2.InternetGateway,
    subnets: ec2.Subnet[],
    named: (role: string) => Record<string, string>,
  ): pulumi.Resource[] {
    const table = new ec2.RouteTable(`${name}-public-rt`, { vpcId: vpc.id, tags: named("public") }, { parent: this });
    const route = new ec2.Route(`${name}-public-internet`, { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, { parent: this });
    const associations = subnets.map(
      (subnet, i) => new ec2.RouteTableAssociation(`${name}-public-${i}-rta`, { subnetId: subnet.id, routeTableId: table.id }, { parent: this }),
    );
    return [route, ...associations];
  }

  private createNatGateways(
    name: string,
    count: number,
    publicSubnets: ec2.Subnet[],
    publicEgress: pulumi.Resource[],
    named: (role: string) => Record<string, string>,
  ): ec2.NatGateway[] {
    return publicSubnets.slice(0, count).map((subnet, i) => {
      const eip = new ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: named(`nat-${i}`) }, { parent: this });
      return new ec2.NatGateway(
        `${name}-nat-${i}`,
        { allocationId: eip.allocationId, subnetId: subnet.id, connectivityType: "public", tags: named(`nat-${i}`) },
        // A public NAT gateway sends through its subnet's route to the internet gateway. Nothing else
        // depends on that route, so without this edge destroy would delete it first, and the controllers
        // that still delete ALBs and volumes through NAT would lose their way out.
        { parent: this, dependsOn: publicEgress },
      );
    });
  }

  /** A route table per private subnet, each to its AZ's NAT gateway (or the single one). */
  private createPrivateRoutes(
    name: string,
    vpc: ec2.Vpc,
    subnets: ec2.Subnet[],
    named: (role: string) => Record<string, string>,
  ): { tables: ec2.RouteTable[]; egress: pulumi.Resource[] } {
    const tables: ec2.RouteTable[] = [];
    const egress = subnets.flatMap((subnet, i) => {
      const nat = this.natGateways[i] ?? this.natGateways[0];
      if (!nat) throw new Error("no NAT gateway for the private subnets");
      const table = new ec2.RouteTable(`${name}-private-${i}-rt`, { vpcId: vpc.id, tags: named(`private-${i}`) }, { parent: this });
      tables.push(table);
      const route = new ec2.Route(
        `${name}-private-${i}-nat`,
        { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id },
        { parent: this },
      );
      const association = new ec2.RouteTableAssociation(`${name}-private-${i}-rta`, { subnetId: subnet.id, routeTableId: table.id }, { parent: this });
      return [route, association];
    });
    return { tables, egress };
  }
}
