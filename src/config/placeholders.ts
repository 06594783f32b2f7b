import { cidrContains, parseCidr, type Cidr } from "../../components/cidr.js";

/**
 * Values that only documentation uses: a stack file that still holds one where a real address or
 * account is needed would make `pulumi up` fail halfway, after the cluster exists (an API server no one
 * can reach, an access entry for a principal that does not exist). Config refuses them up front.
 */

/** RFC 5737's ranges for documentation: no real client has these addresses. */
export const documentationBlocks = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"] as const;
const blocks = documentationBlocks.map((text) => parseCidr(text) as Cidr);

/** The ranges in `ranges` that lie inside a documentation range, and so hold no real address at all. */
export function documentationRanges(ranges: readonly string[]): string[] {
  return ranges.filter((text) => {
    const block = parseCidr(text);
    return block !== undefined && blocks.some((doc) => cidrContains(doc, block));
  });
}

/** The account ids AWS's documentation writes its example ARNs with. */
export const documentationAccounts = ["111122223333", "123456789012", "444455556666"] as const;

/** The ARNs in `arns` that name an account of AWS's documentation. */
export function documentationArns(arns: readonly string[]): string[] {
  return arns.filter((arn) => documentationAccounts.some((account) => arn.split(":")[4] === account));
}
