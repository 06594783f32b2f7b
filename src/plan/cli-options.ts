import { parseArgs } from "node:util";

/** The offline plan's command line, apart from the command, so that tests run README's commands as it does. */
export const usage = `Usage: npm start -- [--stack NAME | --all] [--config KEY=VALUE]... [--json | --destroy] [--out DIR]

Runs the program offline, under Pulumi's mock runtime, and shows what \`pulumi up\` would create.
  --stack NAME   the stack to plan (default: dev-aks); stacks are stacks/Pulumi.<NAME>.yaml
  --all          plan every stack
  --config K=V   override a config value for this plan only, e.g. --config aksNodeCount=5
  --json         print a JSON report instead of the tree
  --destroy      print the order \`pulumi destroy\` deletes the stack in, instead of the tree
  --out DIR      where to write <stack>/resources.json, manifests.yaml, graph.dot (default: out)
  --source-maps  show stack traces at TypeScript lines (slower start)`;

export function parsePlanArgs(argv: string[]) {
  return parseArgs({
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
  }).values;
}
