import { describe, expect, it } from "vitest";
import { cidrContains, cidrsOverlap, nthAddress, parseCidr, parseIp, subdivide } from "../../src/config/cidr.js";

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
