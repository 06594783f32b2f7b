import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { loadStackSettings } from "../src/config.js";
import { captureStack, stackRunConfig } from "../src/plan/capture.js";
import { writeInsightFiles } from "../src/plan/insights/index.js";
import { insightsOf } from "../src/plan/plan.js";
import { listStacks } from "../src/plan/stack-config.js";

/**
 * Times the offline plan as a user runs it: a fresh `node` process each time (imports, config, the
 * program under mocks, validation, insights, files written), the median of several runs; then how it
 * grows with the work (1, 4 and 16 node groups or pools), and what the insights (critical paths, cost,
 * policies, the rendered graph) add to a plan, measured in one process.
 */
const run = promisify(execFile);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const targetSeconds = 3;

async function timePlan(stack: string, config: string[] = []): Promise<number> {
  const started = performance.now();
  const args = ["--import", "tsx", "src/plan/cli.ts", "--stack", stack, "--json", ...config.flatMap((c) => ["--config", c])];
  await run(process.execPath, args, { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  return (performance.now() - started) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

async function medianOf(measure: () => Promise<number>): Promise<{ med: number; min: number; max: number }> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await measure());
  return { med: median(times), min: Math.min(...times), max: Math.max(...times) };
}

const seconds = (t: number) => `${t.toFixed(2)} s`.padEnd(9);
const stacks = process.argv.slice(2).length > 0 ? process.argv.slice(2) : listStacks();
let missed = false;

console.log(`Offline plan, wall time of a fresh process, ${runs} runs per stack (target: under ${targetSeconds} s)\n`);
console.log("stack       median   min      max      target");
for (const stack of stacks) {
  const { med, min, max } = await medianOf(() => timePlan(stack));
  missed ||= med >= targetSeconds;
  console.log(`${stack.padEnd(11)} ${seconds(med)}${seconds(min)}${seconds(max)}${med < targetSeconds ? "met" : "MISSED"}`);
}

console.log("\nGrowth with the work: node groups (dev-eks) and user pools (dev-aks), fresh process, median");
console.log("count   dev-eks  dev-aks  resources (dev-eks, dev-aks)");
for (const count of [1, 4, 16]) {
  const groups = JSON.stringify(Array.from({ length: count }, (_, i) => `name=group${i}`));
  const pools = JSON.stringify(Array.from({ length: count }, (_, i) => `name=pool${i},vmSize=Standard_D2s_v5,count=1`));
  // Node groups of the stack's own come with the Cluster Autoscaler; Karpenter, the default, takes none.
  const eks = await medianOf(() => timePlan("dev-eks", ["eksCompute=cluster-autoscaler", `eksNodeGroups=${groups}`]));
  const aks = await medianOf(() => timePlan("dev-aks", [`aksUserPools=${pools}`, "aksNodeSubnetCidr=10.10.64.0/18"]));
  const eksCount = (await captureStack("dev-eks", { eksCompute: "cluster-autoscaler", eksNodeGroups: groups }, { offline: true })).resources.length;
  const aksCount = (await captureStack("dev-aks", { aksUserPools: pools, aksNodeSubnetCidr: "10.10.64.0/18" }, { offline: true })).resources.length;
  console.log(`${String(count).padEnd(8)}${seconds(eks.med)}${seconds(aks.med)}${eksCount}, ${aksCount}`);
}

console.log("\nWhat the insights add to a plan, in one process (median of the same runs)");
console.log("stack       insights");
for (const stack of stacks) {
  const capture = await captureStack(stack, {}, { offline: true });
  const settings = loadStackSettings(stackRunConfig(stack, {}, { offline: true }).source);
  const dir = mkdtempSync(path.join(tmpdir(), "bench-plan-"));
  const { med } = await medianOf(async () => {
    const started = performance.now();
    const { insights, waivers } = insightsOf(capture, settings);
    await writeInsightFiles(capture, dir, insights, waivers);
    return (performance.now() - started) / 1000;
  });
  console.log(`${stack.padEnd(11)} ${seconds(med)}`);
}
process.exitCode = missed ? 1 : 0;
