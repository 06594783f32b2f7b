import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { listStacks } from "../src/plan/stack-config.js";

/**
 * Times the offline plan per stack as a user runs it: a fresh `node` process each time (imports,
 * config, the program under mocks, validation, files written). Reports the median of several runs.
 */
const run = promisify(execFile);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const targetSeconds = 3;

async function timePlan(stack: string): Promise<number> {
  const started = performance.now();
  await run(process.execPath, ["--import", "tsx", "src/plan/cli.ts", "--stack", stack, "--json"], { timeout: 120_000 });
  return (performance.now() - started) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

const stacks = process.argv.slice(2).length > 0 ? process.argv.slice(2) : listStacks();
console.log(`Offline plan, wall time of a fresh process, ${runs} runs per stack (target: under ${targetSeconds} s)\n`);
console.log("stack       median    min     max     target");
let missed = false;
for (const stack of stacks) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timePlan(stack));
  const med = median(times);
  missed ||= med >= targetSeconds;
  const cells = [med, Math.min(...times), Math.max(...times)].map((t) => `${t.toFixed(2)} s`.padEnd(8));
  console.log(`${stack.padEnd(11)} ${cells.join("")}${med < targetSeconds ? "met" : "MISSED"}`);
}
process.exitCode = missed ? 1 : 0;
