import type { Capture, CapturedResource } from "../capture.js";
import { assumptions, currency, hoursPerMonth, PriceBook, pricesAsOf, type FoundPrice } from "./prices.js";
import { costOfResource, type CostContext } from "./cost-model.js";

/** What one resource costs, as a sum of priced parts. */
export interface CostLine {
  type: string;
  urn: string;
  hourly: number;
  /** The parts, for the report: `3 x Standard_B2ms VM`. */
  parts: string[];
}

/** The stack's cost at list prices. */
export interface CostReport {
  currency: string;
  region: string;
  hourly: number;
  monthly: number;
  /** A workshop's cost: the stack up for four hours. */
  workshop4h: number;
  byType: { type: string; count: number; monthly: number }[];
  /** Types with a cost no price in data/prices.json covers: listed, never counted as zero. */
  unpriced: string[];
  /** Every figure the estimate rests on that is not a list price, and every price taken from another region. */
  assumptions: string[];
  pricesAsOf: string;
}

const round = (usd: number, digits = 2) => Math.round(usd * 10 ** digits) / 10 ** digits;

/**
 * The stack's cost per hour and per month (730 hours) at list prices for its region: each resource priced
 * by what it runs (nodes, disks, addresses, control planes, load balancers), usage-priced services at the
 * stated assumptions of data/prices.json, and free resources (networks, roles, Kubernetes objects that run
 * nothing billable) at nothing. A price missing for the region is taken from the cloud's base region, and
 * the report says so; a resource whose price is missing everywhere is listed as unpriced.
 */
export function estimateCost(capture: Pick<Capture, "resources">, cloud: "azure" | "aws" | "existing", region: string): CostReport {
  const notes = new Set<string>();
  const unpriced = new Set<string>();
  const lines: CostLine[] = [];
  if (cloud !== "existing") {
    const book = new PriceBook(cloud);
    const ctx: CostContext = {
      region,
      resources: capture.resources,
      price(key: string, type: string): FoundPrice | undefined {
        const found = book.find(key, region);
        if (!found) unpriced.add(`${type} (no price for ${key})`);
        else if (found.basedOn) notes.add(`${key}: no ${region} price in data/prices.json; priced at ${found.basedOn}`);
        return found;
      },
      unpriced(type: string, why: string) {
        unpriced.add(`${type} (${why})`);
      },
      assume(name: string): number {
        const assumption = assumptions[name];
        if (!assumption) throw new Error(`data/prices.json has no assumption ${name}`);
        notes.add(assumption.text);
        return assumption.value;
      },
    };
    for (const resource of capture.resources.filter((r: CapturedResource) => r.custom)) {
      const line = costOfResource(resource, ctx);
      if (line) lines.push({ type: resource.type, urn: resource.urn, ...line });
    }
  } else {
    notes.add("An existing cluster's cost is its owner's: only what the stack adds in it would count, and it adds nothing billable");
  }
  const byType = new Map<string, { count: number; hourly: number }>();
  for (const line of lines) {
    const entry = byType.get(line.type) ?? { count: 0, hourly: 0 };
    byType.set(line.type, { count: entry.count + 1, hourly: entry.hourly + line.hourly });
  }
  const hourly = lines.reduce((sum, line) => sum + line.hourly, 0);
  return {
    currency,
    region,
    hourly: round(hourly, 4),
    monthly: round(hourly * hoursPerMonth),
    workshop4h: round(hourly * 4),
    byType: [...byType.entries()]
      .map(([type, entry]) => ({ type, count: entry.count, monthly: round(entry.hourly * hoursPerMonth) }))
      .filter((entry) => entry.monthly > 0)
      .sort((a, b) => b.monthly - a.monthly),
    unpriced: [...unpriced].sort(),
    assumptions: [...notes],
    pricesAsOf,
  };
}
