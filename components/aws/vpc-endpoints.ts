import * as ec2 from "@pulumi/aws/ec2/index.js";
import * as pulumi from "@pulumi/pulumi";

/**
 * The AWS APIs the cluster's private subnets call, and who calls them: image pulls (ECR's API and
 * registry, with the layers from S3), IRSA's token exchange (STS), the VPC CNI and the EBS CSI driver
 * (EC2), the Load Balancer Controller (Elastic Load Balancing, EC2), and Fargate's log router and the
 * nodes' agents (CloudWatch Logs). SQS is added where a Karpenter interruption queue exists.
 */
export const interfaceEndpointServices = ["ecr.api", "ecr.dkr", "sts", "ec2", "elasticloadbalancing", "logs"] as const;
export type InterfaceEndpointService = (typeof interfaceEndpointServices)[number] | "sqs";

export interface VpcEndpointsArgs {
  /** The VPC the endpoints serve; it must have DNS support and DNS hostnames on, for private DNS. */
  vpcId: pulumi.Input<string>;
  /** The VPC's block: the only source the endpoints accept HTTPS from. */
  vpcCidr: string;
  /** The region, for the services' names (`com.amazonaws.<region>.<service>`). */
  region: string;
  /** One private subnet per AZ: each interface endpoint has a network interface in each. */
  privateSubnetIds: pulumi.Input<string>[];
  /** The private subnets' route tables, which the S3 gateway endpoint adds its route to. */
  privateRouteTableIds: pulumi.Input<string>[];
  /** Interface endpoints to create. @default - `interfaceEndpointServices` */
  services?: readonly InterfaceEndpointService[];
  /** Tags on every resource. @default {} */
  tags?: Record<string, string>;
}

/**
 * VPC endpoints for the AWS APIs the cluster calls: an S3 gateway endpoint on the private route tables,
 * and an interface endpoint per service in the private subnets, with private DNS so that the services'
 * usual names resolve to them. Traffic to AWS then stays in the VPC instead of going through NAT
 * (cheaper per GB, and it keeps working while the NAT gateways do not).
 */
export class VpcEndpoints extends pulumi.ComponentResource {
  readonly securityGroup: ec2.SecurityGroup;
  readonly endpoints: ec2.VpcEndpoint[];

  constructor(name: string, args: VpcEndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:VpcEndpoints", name, {}, opts);
    const tags = args.tags ?? {};
    const services = args.services ?? interfaceEndpointServices;
    if (args.privateSubnetIds.length === 0) throw new Error("privateSubnetIds: interface endpoints need a private subnet per AZ");
    const serviceName = (service: string) => `com.amazonaws.${args.region}.${service}`;

    this.securityGroup = new ec2.SecurityGroup(
      `${name}-sg`,
      {
        vpcId: args.vpcId,
        description: "HTTPS from the VPC to its interface endpoints",
        ingress: [{ description: "HTTPS from the VPC", protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [args.vpcCidr] }],
        // An endpoint only answers; without egress rules the group allows no connection out.
        egress: [],
        tags: { ...tags, Name: `${name}-endpoints` },
      },
      { parent: this },
    );

    const s3 = new ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: args.vpcId,
        serviceName: serviceName("s3"),
        vpcEndpointType: "Gateway",
        routeTableIds: args.privateRouteTableIds,
        tags: { ...tags, Name: `${name}-s3` },
      },
      { parent: this },
    );
    const interfaces = services.map(
      (service) =>
        new ec2.VpcEndpoint(
          `${name}-${service.replace(/\./g, "-")}`,
          {
            vpcId: args.vpcId,
            serviceName: serviceName(service),
            vpcEndpointType: "Interface",
            subnetIds: args.privateSubnetIds,
            securityGroupIds: [this.securityGroup.id],
            privateDnsEnabled: true,
            tags: { ...tags, Name: `${name}-${service}` },
          },
          { parent: this },
        ),
    );
    this.endpoints = [s3, ...interfaces];
    this.registerOutputs({ endpointIds: this.endpoints.map((e) => e.id), securityGroupId: this.securityGroup.id });
  }
}
