import { parseCidr, subdivide } from "../cidr.js";

export interface SubnetLayout {
  /** One public subnet per AZ, for the NAT gateways and internet-facing load balancers. */
  public: string[];
  /** One private subnet per AZ, for nodes and pods: the VPC CNI gives every pod a VPC address. */
  private: string[];
}

/**
 * Carves the subnets out of the VPC block: the first three quarters hold a private subnet per AZ
 * (pods take VPC addresses, so these are the big ones), and the last quarter holds the public subnets,
 * each a quarter of it. A /16 gives private /18s (16,379 addresses) and public /20s.
 */
export function subnetLayout(vpcCidr: string, azCount: number): SubnetLayout {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new Error(`vpcCidr: ${JSON.stringify(vpcCidr)} is not an IPv4 CIDR block`);
  if (azCount < 1 || azCount > 3) throw new Error(`azCount: ${azCount} AZs do not fit the layout; 1 to 3 do`);
  const quarter = vpc.prefix + 2;
  const lastQuarter = parseCidr(subdivide(vpc, quarter, 1, 3)[0] ?? "");
  if (!lastQuarter) throw new Error(`vpcCidr: ${vpcCidr} cannot be split into quarters`);
  return {
    private: subdivide(vpc, quarter, azCount),
    public: subdivide(lastQuarter, quarter + 2, azCount),
  };
}
