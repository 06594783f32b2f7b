import type { CriticalPath } from "./critical-path.js";
import type { CostReport } from "./cost.js";
import type { Insights, PolicyFinding } from "./index.js";

const minutes = (seconds: number) => `${Math.floor(seconds / 60)} min ${String(Math.round(seconds % 60)).padStart(2, "0")} s`;
const usd = (amount: number) => `$${amount.toFixed(2)}`;
const shortUrn = (urn: string) => urn.split("::").slice(-2).map((part, i) => (i === 0 ? (part.split(":").pop() ?? part) : part)).join(" ");

function renderPath(title: string, path: CriticalPath, untimedNote: string): string[] {
  const steps = path.chain.filter((step) => step.seconds > 0);
  return [
    `${title}: about ${minutes(path.totalSeconds)} (one after another it would be ${minutes(path.serialSeconds)})`,
    ...steps.map((step) => `    ${String(step.seconds).padStart(4)} s  ${shortUrn(step.urn)}`),
    ...(path.untimed.length > 0 ? [`    ${untimedNote}: ${path.untimed.join(", ")}`] : []),
  ];
}

function renderCost(cost: CostReport): string[] {
  if (cost.byType.length === 0 && cost.unpriced.length === 0) return [`Cost: nothing billable of its own (${cost.assumptions.join("; ")})`];
  return [
    `Cost at list prices in ${cost.region} (${cost.currency}, prices of ${cost.pricesAsOf}): ${usd(cost.hourly)} an hour, ${usd(cost.monthly)} a month, ${usd(cost.workshop4h)} for a 4-hour workshop`,
    ...cost.byType.map((entry) => `    ${usd(entry.monthly).padStart(9)} a month  ${entry.count} x ${entry.type}`),
    ...(cost.unpriced.length > 0 ? [`    not priced: ${cost.unpriced.join(", ")}`] : []),
    ...cost.assumptions.map((text) => `    assumed: ${text}`),
  ];
}

function renderPolicy(findings: PolicyFinding[]): string[] {
  if (findings.length === 0) return ["Policy: no findings (policy/, as pulumi preview --policy-pack policy runs it)"];
  const open = findings.filter((f) => f.waivedBy === null).length;
  const rows = findings.map((f) => [f.policy, f.severity, shortUrn(f.urn), f.waivedBy ? `waived: ${f.waivedBy}` : "open", f.message]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => (row[i] ?? "").length)));
  return [
    `Policy: ${findings.length} finding(s), ${open} not waived (policy/, as pulumi preview --policy-pack policy runs it)`,
    ...rows.map((row) => `    ${row.slice(0, 4).map((cell, i) => cell.padEnd(widths[i] ?? 0)).join("  ")}  ${row[4] ?? ""}`),
  ];
}

function renderFleet(insights: Insights): string[] {
  const { fleet } = insights;
  if (!fleet) return [];
  const row = (p: { name: string; cloud: string; region: string; resourceCount: number; createSeconds: number; destroySeconds: number; monthly: number }) =>
    `    ${p.name.padEnd(14)} ${`${p.cloud} ${p.region}`.padEnd(26)} ${String(p.resourceCount).padStart(4)} resources  up ${minutes(p.createSeconds)}  destroy ${minutes(p.destroySeconds)}  ${usd(p.monthly)} a month`;
  return [
    `Fleet: ${fleet.members.length} member(s) created side by side, then the global entry; each member alone:`,
    ...fleet.members.map(row),
    row(fleet.entry),
    "",
  ];
}

/** The plan's closing sections: how long up and destroy take, what it costs, and the policy table. */
export function renderInsights(insights: Insights): string {
  return [
    ...renderFleet(insights),
    ...renderPath("pulumi up", insights.criticalPath, "not timed (no source gives a figure)"),
    "",
    ...renderPath("pulumi destroy", insights.destroyPath, "not timed on delete (no source gives a figure)"),
    "",
    ...renderCost(insights.cost),
    "",
    ...renderPolicy(insights.policy.findings),
  ].join("\n");
}
