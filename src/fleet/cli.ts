import path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadStackSettings } from "../config.js";
import { stackRunConfig } from "../plan/capture.js";
import { projectRoot, readStackConfig, StackFileError } from "../plan/stack-config.js";
import { fleetCommands, orchestrate, renderFleetRun, type FleetCommand, type StackRunner } from "./orchestrate.js";
import { fleetStacks } from "./stacks.js";

export const usage = `Usage: npm run fleet -- preview|up|destroy [--stack NAME] [--offline]

Runs a fleet stack (cloud: fleet) as a stack per member and a global stack, with the Pulumi Automation
API: preview and up run the members side by side, then the global stack; destroy the global stack, then
the members. The stacks live in .fleet/<NAME>/ and are named <NAME>-<member> and <NAME>-global.
  --stack NAME   the fleet's stack file, stacks/Pulumi.<NAME>.yaml (default: fleet)
  --offline      preview under the offline plan's mock runtime, without the Pulumi CLI or a cloud`;

class UsageError extends Error {}

function parse(argv: string[]): { command: FleetCommand; stack: string; offline: boolean; help: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { stack: { type: "string", default: "fleet" }, offline: { type: "boolean", default: false }, help: { type: "boolean", short: "h", default: false } },
    allowPositionals: true,
    strict: true,
  });
  const command = fleetCommands.find((c) => c === positionals[0]);
  if (!values.help && (positionals.length !== 1 || !command)) throw new UsageError(`expected one command, ${fleetCommands.join(", ")}; got ${positionals.join(" ") || "none"}`);
  if (values.offline && command !== undefined && command !== "preview") throw new UsageError(`--offline previews only: ${command} needs the Pulumi CLI and the clouds`);
  return { command: command ?? "preview", stack: values.stack, offline: values.offline, help: values.help };
}

/** The fleet's config: as the offline plan runs it, or as its file holds it, which must then keep no secret. */
function fleetSource(stack: string, offline: boolean) {
  if (offline) {
    const { source, secretKeys } = stackRunConfig(stack, {}, { offline: true });
    return { source, secretKeys };
  }
  const config = readStackConfig(stack);
  if (config.secretKeys.length > 0) {
    throw new StackFileError(
      `stacks/Pulumi.${stack}.yaml holds secrets (${config.secretKeys.join(", ")}), which only its own stack can decrypt, and npm run fleet writes each stack's config afresh from the file on every run: keep secrets out of a fleet run as a stack per member, or run it as one stack with pulumi up --stack ${stack}`,
    );
  }
  return { source: config, secretKeys: [] };
}

export async function main(argv: string[], write: (text: string) => void = (t) => process.stdout.write(t)): Promise<number> {
  const args = parse(argv);
  if (args.help) {
    write(`${usage}\n`);
    return 0;
  }
  const { source, secretKeys } = fleetSource(args.stack, args.offline);
  const loaded = loadStackSettings(source);
  if (loaded.kind !== "fleet") throw new StackFileError(`stack ${args.stack} is not a fleet: its cloud is ${loaded.settings.platform.cloud}, and npm run fleet runs stacks with cloud: fleet`);
  const stacks = fleetStacks(loaded.fleet, source.values, secretKeys);
  let runner: StackRunner;
  if (args.offline) {
    const { offlineRunner } = await import("./offline-runner.js");
    runner = offlineRunner(source.project, source.examples ?? []);
  } else {
    const { automationRunner, findPulumiCli, prepareWorkspace } = await import("./automation-runner.js");
    const pulumiCommand = await findPulumiCli();
    runner = automationRunner({ workDir: prepareWorkspace(projectRoot, args.stack), pulumiCommand, policyPack: path.join(projectRoot, "policy"), write });
  }
  write(`fleet ${args.command}: ${stacks.members.map((m) => m.name).join(", ")} side by side, ${args.command === "destroy" ? "after" : "then"} ${stacks.global.name}\n`);
  const report = await orchestrate(args.command, stacks, runner);
  write(`${renderFleetRun(report)}\n`);
  return report.ok ? 0 : 1;
}

/** Errors the user can fix from the message alone. */
export function describeFailure(err: unknown): string | undefined {
  if (err instanceof UsageError) return `${err.message}\n\n${usage}`;
  if (err instanceof ConfigError || err instanceof StackFileError || (err instanceof Error && err.name === "MissingCliError")) return err.message;
  if (err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS")) return `${err.message}\n\n${usage}`;
  return undefined;
}
