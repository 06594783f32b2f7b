import { parseArgs } from "node:util";
import path from "node:path";
import { ConfigError } from "../config.js";
import { captureStack } from "./capture.js";
import { buildReport, renderReport, writePlanFiles, type PlanReport } from "./report.js";
import { offlineConfigOverrides } from "./offline-kubeconfig.js";
import { listStacks, projectRoot, readStackConfig, StackFileError } from "./stack-config.js";

const usage = `Usage: npm start -- [--stack NAME | --all] [--config KEY=VALUE]... [--json] [--out DIR]

Runs the program offline, under Pulumi's mock runtime, and shows what \`pulumi up\` would create.
  --stack NAME   the stack to plan (default: dev-aks); stacks are stacks/Pulumi.<NAME>.yaml
  --all          plan every stack
  --config K=V   override a config value for this plan only, e.g. --config aksNodeCount=5
  --json         print a JSON report instead of the tree
  --out DIR      where to write <stack>/resources.json, manifests.yaml, graph.dot (default: out)`;

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

async function planStack(stack: string, overrides: Record<string, string>, outDir: string, json: boolean): Promise<PlanReport> {
  const started = performance.now();
  // A stack on an existing cluster that names no kubeconfig is planned against a sample one, so the
  // plan is the same on every machine, with or without a cluster.
  const capture = await captureStack(stack, { ...offlineConfigOverrides(readStackConfig(stack), overrides), ...overrides });
  const report = buildReport(capture, writePlanFiles(capture, outDir));
  if (!json) {
    console.log(renderReport(capture, report));
    console.log(`Planned in ${((performance.now() - started) / 1000).toFixed(2)} s\n`);
  }
  return report;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string", default: "dev-aks" },
      all: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      out: { type: "string", default: "out" },
      config: { type: "string", multiple: true, default: [] },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  const stacks = values.all ? listStacks() : [values.stack];
  const outDir = path.resolve(projectRoot, values.out);
  const reports: PlanReport[] = [];
  let failed = false;
  for (const stack of stacks) {
    try {
      const report = await planStack(stack, parseOverrides(values.config), outDir, values.json);
      reports.push(report);
      failed ||= report.violations.length > 0;
    } catch (err) {
      failed = true;
      if (!isUserError(err)) throw err;
      console.error(`${err.message}\n`);
    }
  }
  if (values.json) console.log(JSON.stringify(values.all ? reports : reports[0] ?? null, null, 2));
  return failed ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const badArgs = err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS");
    console.error(badArgs ? `${err.message}\n\n${usage}` : err);
    process.exit(2);
  },
);
