import ipaddr from "ipaddr.js";

/** An IPv4 block in canonical form, with its first and last address as 32-bit integers. */
export interface Cidr {
  text: string;
  prefix: number;
  first: number;
  last: number;
}

function toInt(address: ipaddr.IPv4): number {
  return address.toByteArray().reduce((acc, byte) => acc * 256 + byte, 0);
}

function fromInt(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join(".");
}

/**
 * Parses an IPv4 CIDR such as `10.10.0.0/16`. Returns undefined for anything else, including a block
 * whose address has host bits set (`10.10.0.1/16`), which clouds reject or silently truncate.
 */
export function parseCidr(text: string): Cidr | undefined {
  if (!/^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/.test(text)) return undefined;
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.IPv4.parseCIDR(text);
  } catch {
    return undefined;
  }
  const [address, prefix] = parsed;
  if (address.kind() !== "ipv4") return undefined;
  const first = toInt(address as ipaddr.IPv4);
  const size = 2 ** (32 - prefix);
  if (first % size !== 0) return undefined;
  return { text, prefix, first, last: first + size - 1 };
}

/** Parses an IPv4 address such as `10.0.0.10`. */
export function parseIp(text: string): number | undefined {
  if (!ipaddr.IPv4.isValidFourPartDecimal(text)) return undefined;
  return toInt(ipaddr.IPv4.parse(text));
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return a.first <= b.last && b.first <= a.last;
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
  return outer.first <= inner.first && inner.last <= outer.last;
}

export function cidrContainsIp(block: Cidr, ip: number): boolean {
  return block.first <= ip && ip <= block.last;
}

/**
 * Carves `count` consecutive blocks of `/newPrefix` out of `block`, starting at block index `offset`,
 * the way Terraform's cidrsubnet does. Throws when they do not fit.
 */
export function subdivide(block: Cidr, newPrefix: number, count: number, offset = 0): string[] {
  if (newPrefix < block.prefix || newPrefix > 32) {
    throw new Error(`cannot carve /${newPrefix} blocks out of ${block.text}`);
  }
  const size = 2 ** (32 - newPrefix);
  const available = 2 ** (newPrefix - block.prefix);
  if (offset + count > available) {
    throw new Error(`${block.text} holds ${available} /${newPrefix} blocks; ${offset + count} needed`);
  }
  return Array.from({ length: count }, (_, i) => `${fromInt(block.first + (offset + i) * size)}/${newPrefix}`);
}

/** The n-th address of a block, e.g. the DNS service IP as the 10th address of the service CIDR. */
export function nthAddress(block: Cidr, n: number): string {
  return fromInt(block.first + n);
}
