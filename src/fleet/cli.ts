import type { EventEmitter } from "node:events";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, loadStackSettings } from "../config.js";
import { stackRunConfig } from "../plan/capture.js";
import { listStacks, projectRoot, readStackConfig, StackFileError } from "../plan/stack-config.js";
import { defaultParallel, fleetCommands, orchestrate, renderFleetRun, type FleetCommand, type FleetStacks, type StackRunner } from "./orchestrate.js";
import { fleetStacks } from "./stacks.js";
import { inTerminalForeground } from "./terminal.js";

export const usage = `Usage: npm run fleet -- preview|up|destroy [--stack NAME] [--parallel N] [--offline]

Runs a fleet stack (cloud: fleet) as a stack per member and a global stack, with the Pulumi Automation
API: preview and up run the members side by side, then the global stack; destroy the global stack, then
the members. The stacks live in .fleet/<NAME>/ and are named <NAME>-<member> and <NAME>-global.
  --stack NAME   the fleet's stack file, stacks/Pulumi.<NAME>.yaml (default: fleet)
  --parallel N   how many member stacks run at once (default: ${defaultParallel})
  --offline      preview under the offline plan's mock runtime, without the Pulumi CLI or a cloud
Ctrl-C starts no further stack; the running ones cancel as Pulumi does on Ctrl-C, and a
second Ctrl-C stops them at once. A signal to this process alone (a cancelled CI job, docker
stop, Kubernetes) does the same, passing each running CLI one cancel; npm passes no signal on,
so as a container's or CI step's entry, run node --import tsx scripts/fleet.ts itself.`;

class UsageError extends Error {}

function parse(argv: string[]): { command: FleetCommand; stack: string; parallel: number; offline: boolean; help: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      stack: { type: "string", default: "fleet" },
      parallel: { type: "string", default: String(defaultParallel) },
      offline: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const command = fleetCommands.find((c) => c === positionals[0]);
  if (!values.help && (positionals.length !== 1 || !command)) throw new UsageError(`expected one command, ${fleetCommands.join(", ")}; got ${positionals.join(" ") || "none"}`);
  if (values.offline && command !== undefined && command !== "preview") throw new UsageError(`--offline previews only: ${command} needs the Pulumi CLI and the clouds`);
  if (!/^[1-9][0-9]*$/.test(values.parallel)) throw new UsageError(`--parallel takes a whole number of stacks, 1 or more; got ${values.parallel}`);
  return { command: command ?? "preview", stack: values.stack, parallel: Number(values.parallel), offline: values.offline, help: values.help };
}

/** The stack files of the other fleets' workspaces, `.fleet/<fleet>/Pulumi.<stack>.yaml`, by stack name. */
function otherFleetsStacks(root: string, fleet: string): Map<string, string> {
  const dir = path.join(root, ".fleet");
  const found = new Map<string, string>();
  if (!existsSync(dir)) return found;
  for (const other of readdirSync(dir)) {
    if (other === fleet || !statSync(path.join(dir, other)).isDirectory()) continue;
    for (const file of readdirSync(path.join(dir, other))) {
      const name = /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1];
      if (name) found.set(name, `.fleet/${other}/${file}`);
    }
  }
  return found;
}

/**
 * The fleet's stacks share the project, and so the backend's stack names, with the stacks of stacks/
 * and of the other fleets: a member stack named as one of those would be that stack, its resources and all.
 */
export function refuseTakenNames(stacks: FleetStacks, fleet: string, root = projectRoot): void {
  const taken = new Map([...listStacks(root).map((s): [string, string] => [s, `stacks/Pulumi.${s}.yaml`]), ...otherFleetsStacks(root, fleet)]);
  const clash = [...stacks.members, stacks.global].map((s) => s.name).filter((name) => taken.has(name));
  if (clash.length > 0) {
    throw new StackFileError(
      `npm run fleet would name stack(s) ${clash.join(", ")}, which the project already has (${clash.map((c) => taken.get(c)).join(", ")}): the fleet's stacks share the project's stack names, so rename the member or the fleet's stack file`,
    );
  }
}

/**
 * Each running Pulumi CLI must get one signal: it cancels on the first, finishing the operations in
 * flight, and stops at once on a second. A terminal's Ctrl-C goes to the whole foreground process group,
 * so every CLI has it already, and nothing is passed on after it, not even a cancel held for a CLI that
 * had not begun. Any other signal came to this process alone, as a CI runner (SIGINT, then SIGTERM),
 * docker stop or Kubernetes (SIGTERM) sends it, and cancels the running stacks here, once. Either way,
 * no further stack starts, and the running ones are waited for rather than left: exiting would have
 * execa kill them. `terminal` says, as a signal comes, whether a Ctrl-C would reach the group.
 */
export function interrupts(signals: EventEmitter, write: (text: string) => void, terminal: () => boolean) {
  const stop = new AbortController();
  const cancel = new AbortController();
  const delivered = new AbortController();
  let received: NodeJS.Signals | undefined;
  const on = (signal: NodeJS.Signals) => () => {
    if (received === undefined) write(`fleet: ${signal}; no further stack starts, and the running ones stop once Pulumi has cancelled them\n`);
    received ??= signal;
    if (signal === "SIGINT" && terminal()) delivered.abort();
    stop.abort();
    if (!delivered.signal.aborted) cancel.abort();
  };
  const onInt = on("SIGINT");
  const onTerm = on("SIGTERM");
  signals.on("SIGINT", onInt);
  signals.on("SIGTERM", onTerm);
  return {
    /** What the run is stopped and its CLIs cancelled by. */
    signals: { stop: stop.signal, cancel: cancel.signal, delivered: delivered.signal },
    /** The exit code of a run cut short by a signal (128 + its number), if one was. */
    exitCode: () => (received === "SIGINT" ? 130 : received === "SIGTERM" ? 143 : undefined),
    dispose: () => {
      signals.off("SIGINT", onInt);
      signals.off("SIGTERM", onTerm);
    },
  };
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

export async function main(argv: string[], write: (text: string) => void = (t) => process.stdout.write(t), signals: EventEmitter = process): Promise<number> {
  const args = parse(argv);
  if (args.help) {
    write(`${usage}\n`);
    return 0;
  }
  const { source, secretKeys } = fleetSource(args.stack, args.offline);
  const loaded = loadStackSettings(source);
  if (loaded.kind !== "fleet") throw new StackFileError(`stack ${args.stack} is not a fleet: its cloud is ${loaded.settings.platform.cloud}, and npm run fleet runs stacks with cloud: fleet`);
  const stacks = fleetStacks(loaded.fleet, source.values, secretKeys);
  refuseTakenNames(stacks, args.stack);
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
  const signalled = interrupts(signals, write, inTerminalForeground);
  try {
    const report = await orchestrate(args.command, stacks, runner, { parallel: args.parallel, ...signalled.signals });
    write(`${renderFleetRun(report)}\n`);
    return signalled.exitCode() ?? (report.ok ? 0 : 1);
  } finally {
    signalled.dispose();
  }
}

/** Errors the user can fix from the message alone. */
export function describeFailure(err: unknown): string | undefined {
  if (err instanceof UsageError) return `${err.message}\n\n${usage}`;
  if (err instanceof ConfigError || err instanceof StackFileError || (err instanceof Error && err.name === "MissingCliError")) return err.message;
  if (err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS")) return `${err.message}\n\n${usage}`;
  return undefined;
}
