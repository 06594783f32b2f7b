import path from "node:path";
import { ConfigError, loadStackSettings } from "../config.js";
import type { StackSettings } from "../config.js";
import { attemptStack, stackRunConfig, type Capture } from "./capture.js";
import { analyzeFleetInsights, analyzeInsights, writeInsightFiles, type Insights } from "./insights/index.js";
import { buildReport, renderDestroyOrder, renderReport, writePlanFiles, type PlanReport } from "./report.js";
import { listStacks, projectRoot, StackFileError } from "./stack-config.js";

export interface PlanOptions {
  /** The stacks to plan; every stack when `all`. */
  stack: string;
  all: boolean;
  /** `KEY=VALUE` config overrides. */
  config: string[];
  json: boolean;
  /** Print the order of `pulumi destroy` instead of the resource tree. */
  destroy: boolean;
  /** Where the files go, relative to the project root. */
  out: string;
}

/** Errors the user can fix from the message alone: shown without a stack trace. */
function isUserError(err: unknown): err is Error {
  return err instanceof ConfigError || err instanceof StackFileError;
}

function parseOverrides(pairs: string[]): Record<string, string> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf("=");
      if (at < 1) throw new StackFileError(`--config takes KEY=VALUE, got ${JSON.stringify(pair)}`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

async function planStack(stack: string, overrides: Record<string, string>, outDir: string, options: PlanOptions): Promise<PlanReport> {
  const started = performance.now();
  // What a real `pulumi up` needs from the user (an address, a kubeconfig) is stood in by labelled
  // examples, so that the plan is the same on every machine, fresh clones included.
  const { error, examples, ...capture } = await attemptStack(stack, overrides, { offline: true });
  if (error !== undefined) throw error;
  const { insights, waivers } = insightsOf(capture, loadStackSettings(stackRunConfig(stack, overrides, { offline: true }).source));
  const files = [...writePlanFiles(capture, outDir), ...(await writeInsightFiles(capture, path.join(outDir, stack), insights, waivers))];
  const report = buildReport(capture, files.map((f) => path.relative(process.cwd(), path.resolve(f))), examples, insights);
  if (!options.json) {
    console.log(options.destroy ? renderDestroyOrder(capture, report) : renderReport(capture, report));
    const seconds = (ms: number) => (ms / 1000).toFixed(2);
    console.log(`Planned in ${seconds(performance.now() - started)} s, ${seconds(performance.now())} s since the command started\n`);
  }
  return report;
}

/** The plan's figures for one cluster, or for a fleet member by member, and the policy waivers they were judged with. */
export function insightsOf(capture: Pick<Capture, "resources">, stack: StackSettings): { insights: Insights; waivers: Record<string, string> } {
  if (stack.kind === "fleet") {
    const { fleet } = stack;
    const waivers = fleet.members[0]?.settings.policyWaivers ?? {};
    const members = fleet.members.map((m) => ({ name: m.name, cloud: m.cloud, region: m.region }));
    return { insights: analyzeFleetInsights(capture, { members, entryCloud: fleet.entry.kind === "front-door" ? "azure" : "aws", waivers }), waivers };
  }
  const { settings } = stack;
  const { platform } = settings;
  const region = platform.cloud === "azure" ? platform.aks.location : platform.cloud === "aws" ? platform.eks.region : "";
  return { insights: analyzeInsights(capture, { cloud: platform.cloud, region, waivers: settings.policyWaivers }), waivers: settings.policyWaivers };
}

/**
 * Plans the stacks asked for, one after another, and returns the exit code: 1 when a stack has bad
 * config, no stack file, a Kubernetes object that breaks the rules, an order that breaks a lifecycle
 * rule, or a policy finding no waiver covers; 0 otherwise.
 */
export async function runPlan(options: PlanOptions): Promise<number> {
  const stacks = options.all ? listStacks() : [options.stack];
  const outDir = path.resolve(projectRoot, options.out);
  const reports: PlanReport[] = [];
  let failed = false;
  for (const stack of stacks) {
    try {
      const report = await planStack(stack, parseOverrides(options.config), outDir, options);
      reports.push(report);
      failed ||= report.violations.length > 0 || report.lifecycle.violations.length > 0 || report.policy.findings.some((f) => f.waivedBy === null);
    } catch (err) {
      failed = true;
      if (!isUserError(err)) throw err;
      console.error(`${err.message}\n`);
    }
  }
  if (options.json) console.log(JSON.stringify(options.all ? reports : (reports[0] ?? null), null, 2));
  return failed ? 1 : 0;
}
