import module from "node:module";
import { parseArgs } from "node:util";

// Node 22.1 and later keep compiled code between runs; Node 20 has no such cache and skips this.
(module as { enableCompileCache?: () => unknown }).enableCompileCache?.();

const usage = `Usage: npm start -- [--stack NAME | --all] [--config KEY=VALUE]... [--json | --destroy] [--out DIR]

Runs the program offline, under Pulumi's mock runtime, and shows what \`pulumi up\` would create.
  --stack NAME   the stack to plan (default: dev-aks); stacks are stacks/Pulumi.<NAME>.yaml
  --all          plan every stack
  --config K=V   override a config value for this plan only, e.g. --config aksNodeCount=5
  --json         print a JSON report instead of the tree
  --destroy      print the order \`pulumi destroy\` deletes the stack in, instead of the tree
  --out DIR      where to write <stack>/resources.json, manifests.yaml, graph.dot (default: out)
  --source-maps  show stack traces at TypeScript lines (slower start)`;

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string", default: "dev-aks" },
      all: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      destroy: { type: "boolean", default: false },
      out: { type: "string", default: "out" },
      config: { type: "string", multiple: true, default: [] },
      "source-maps": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return 0;
  }
  // The loader turns source maps on, and Node then reads and parses the map of every module the
  // program loads: half a second of a plan's start. The plan's own errors need no stack trace.
  if (!values["source-maps"]) process.setSourceMapsEnabled(false);
  const { runPlan } = await import("./plan.js");
  return runPlan(values);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    const badArgs = err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS");
    console.error(badArgs ? `${err.message}\n\n${usage}` : err);
    process.exit(2);
  },
);
