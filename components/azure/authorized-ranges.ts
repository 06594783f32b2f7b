import { cidrsOverlap, parseCidr, type Cidr } from "../cidr.js";

/** RFC 5737 documentation ranges: no real client has these addresses. */
const documentationBlocks = ["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"].map((text) => parseCidr(text) as Cidr);

/**
 * The authorized ranges that overlap an RFC 5737 documentation range. Such a range is a placeholder (the
 * prod stack file ships one), and leaving it authorizes no real address, so `pulumi up` itself is shut out.
 */
export function documentationRanges(ranges: string[]): string[] {
  return ranges.filter((text) => {
    const block = parseCidr(text);
    return block !== undefined && documentationBlocks.some((doc) => cidrsOverlap(block, doc));
  });
}
