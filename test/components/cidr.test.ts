import { describe, expect, it } from "vitest";
import { cidrContains, cidrsOverlap, nthAddress, parseCidr, parseIp, subdivide } from "../../components/cidr.js";

function cidr(text: string) {
  const parsed = parseCidr(text);
  if (!parsed) throw new Error(`test setup: ${text} is not a CIDR`);
  return parsed;
}

describe("CIDR helpers", () => {
  it("accepts canonical IPv4 blocks and rejects everything else", () => {
    expect(parseCidr("10.10.0.0/16")).toMatchObject({ prefix: 16 });
    for (const bad of ["10.10.0.0", "10.10.0.1/16", "10.10.0.0/33", "300.0.0.0/8", "10.0.0.0/-1", "fd00::/8", "banana", ""]) {
      expect(parseCidr(bad), bad).toBeUndefined();
    }
  });

  it("tells overlapping and nested blocks apart", () => {
    expect(cidrsOverlap(cidr("10.0.0.0/16"), cidr("10.0.255.0/24"))).toBe(true);
    expect(cidrsOverlap(cidr("10.0.0.0/16"), cidr("10.1.0.0/16"))).toBe(false);
    expect(cidrContains(cidr("10.10.0.0/16"), cidr("10.10.16.0/20"))).toBe(true);
    expect(cidrContains(cidr("10.10.0.0/16"), cidr("10.0.0.0/8"))).toBe(false);
  });

  it("counts a block's first and last address as inside it, and one address past either end as outside", () => {
    const vnet = cidr("10.10.0.0/16");
    // A subnet at the very top of its VNet ends on the VNet's last address.
    expect(cidrContains(vnet, cidr("10.10.255.0/24"))).toBe(true);
    expect(cidrContains(vnet, cidr("10.10.255.255/32"))).toBe(true);
    expect(cidrContains(vnet, cidr("10.10.0.0/32"))).toBe(true);
    expect(cidrContains(vnet, cidr("10.10.0.0/16"))).toBe(true);
    expect(cidrContains(vnet, cidr("10.11.0.0/32"))).toBe(false);
    expect(cidrContains(vnet, cidr("10.9.255.255/32"))).toBe(false);
    expect(cidrsOverlap(vnet, cidr("10.11.0.0/24"))).toBe(false);
    expect(cidrsOverlap(vnet, cidr("10.9.255.255/32"))).toBe(false);
    expect(cidrsOverlap(cidr("10.10.255.255/32"), vnet)).toBe(true);
  });

  it("reaches the ends of the address space without overflow", () => {
    expect(parseCidr("255.255.255.255/32")).toMatchObject({ first: 4294967295, last: 4294967295 });
    expect(parseCidr("0.0.0.0/0")).toMatchObject({ first: 0, last: 4294967295 });
    expect(cidrContains(cidr("0.0.0.0/0"), cidr("255.255.255.0/24"))).toBe(true);
    expect(subdivide(cidr("255.255.255.0/24"), 26, 4)).toEqual(["255.255.255.0/26", "255.255.255.64/26", "255.255.255.128/26", "255.255.255.192/26"]);
    expect(nthAddress(cidr("255.255.255.0/24"), 255)).toBe("255.255.255.255");
  });

  it("carves consecutive subnets like cidrsubnet and refuses what does not fit", () => {
    expect(subdivide(cidr("10.20.0.0/16"), 19, 3)).toEqual(["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"]);
    expect(subdivide(cidr("10.20.0.0/16"), 20, 2, 8)).toEqual(["10.20.128.0/20", "10.20.144.0/20"]);
    expect(() => subdivide(cidr("10.20.0.0/24"), 26, 5)).toThrow(/holds 4 \/26 blocks; 5 needed/);
  });

  it("finds addresses inside a block", () => {
    expect(nthAddress(cidr("10.0.0.0/16"), 10)).toBe("10.0.0.10");
    expect(parseIp("10.0.0.10")).toBe(167772170);
    expect(parseIp("10.0.0")).toBeUndefined();
  });
});
