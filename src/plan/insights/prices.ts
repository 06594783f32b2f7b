import { readFileSync } from "node:fs";

/** One list price, as data/prices.json keeps it: per unit, in a region, with its source and date. */
export interface PriceItem {
  key: string;
  unit: string;
  usd: number;
  region: string;
  source: string;
  asOf: string;
  note?: string;
}

/** A figure the estimate rests on that no price list gives: how much a stack logs, sends through NAT... */
export interface Assumption {
  value: number;
  unit: string;
  text: string;
}

interface PricesFile {
  compiled: string;
  currency: string;
  hoursPerMonth: number;
  /** Where a price is taken from when the stack's region has none, by cloud. */
  baseRegions: Record<"azure" | "aws", string>;
  assumptions: Record<string, Assumption>;
  items: PriceItem[];
}

const file = JSON.parse(readFileSync(new URL("../../../data/prices.json", import.meta.url), "utf8")) as PricesFile;

export const pricesAsOf = file.compiled;
export const currency = file.currency;
export const hoursPerMonth = file.hoursPerMonth;
export const assumptions = file.assumptions;

/** A price found for a region, and the region it was found in when that is another one. */
export interface FoundPrice {
  usd: number;
  unit: string;
  item: PriceItem;
  /** Set when the stack's region had no price and the base region's was used. */
  basedOn?: string;
}

/** A price for every region (`all`, `all (US list)`), or one that names the region among others. */
const regionMatches = (item: PriceItem, region: string) => /^all\b/.test(item.region) || item.region.split(/[ ,/()]+/).includes(region);

/** Prices of one cloud's list, looked up by key for a region, falling back to the cloud's base region, then to any. */
export class PriceBook {
  constructor(
    cloud: "azure" | "aws",
    private readonly items: readonly PriceItem[] = file.items,
    private readonly baseRegion: string = file.baseRegions[cloud],
  ) {}

  find(key: string, region: string): FoundPrice | undefined {
    const candidates = this.items.filter((i) => i.key === key);
    const exact = candidates.find((i) => i.region === region) ?? candidates.find((i) => regionMatches(i, region));
    if (exact) return { usd: exact.usd, unit: exact.unit, item: exact };
    const base = candidates.find((i) => regionMatches(i, this.baseRegion));
    if (base) return { usd: base.usd, unit: base.unit, item: base, basedOn: this.baseRegion };
    // Some prices are known in one region only (an example on a pricing page): better that, said, than none.
    const other = candidates[0];
    return other ? { usd: other.usd, unit: other.unit, item: other, basedOn: other.region } : undefined;
  }
}
