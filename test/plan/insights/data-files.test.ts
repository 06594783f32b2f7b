import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const read = <T>(name: string) => JSON.parse(readFileSync(new URL(`../../../data/${name}`, import.meta.url), "utf8")) as T;

type Duration = { type: string; seconds: { low: number; typical: number; high: number }; source: string; asOf: string };
type Price = { key: string; unit: string; usd: number; region: string; source: string; asOf: string };

const durations = read<{ create: Duration[]; delete: Duration[] }>("durations.json");
const prices = read<{ items: Price[]; assumptions: Record<string, { value: number; text: string }> }>("prices.json");
const today = new Date().toISOString().slice(0, 10);

/** What every figure the plan quotes must carry, so a reader can check it and see how old it is. */
describe("the plan's data files", () => {
  it.each([...durations.create.map((d) => ["create", d] as const), ...durations.delete.map((d) => ["delete", d] as const)])(
    "time %s of %s with a source, a date and a range around the typical figure",
    (_, d) => {
      expect(d.source.trim()).not.toBe("");
      expect(d.asOf).toMatch(/^\d{4}-\d{2}/);
      expect(d.asOf.slice(0, 10) <= today).toBe(true);
      expect(d.seconds.low).toBeLessThanOrEqual(d.seconds.typical);
      expect(d.seconds.typical).toBeLessThanOrEqual(d.seconds.high);
    },
  );

  it("price each item with a source, a date, a unit, a region and an amount that is not negative", () => {
    const bad = prices.items.filter((p) => !p.source?.trim() || !p.asOf?.trim() || !p.unit || !p.region || !(p.usd >= 0));
    expect(bad.map((p) => p.key)).toEqual([]);
  });

  it("state each usage assumption in words beside its figure", () => {
    for (const [name, a] of Object.entries(prices.assumptions)) expect(a.text.length, name).toBeGreaterThan(20);
  });
});
