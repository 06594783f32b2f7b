import { execFile } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { promisify } from "node:util";
import path from "node:path";
import { LocalWorkspace, PulumiCommand, StackNotFoundError, type ConfigMap, type EngineEvent, type Stack } from "@pulumi/pulumi/automation/index.js";
import { stringify } from "yaml";
import { readProjectFile } from "../plan/stack-config.js";
import { prefixedLines } from "./output.js";
import { RunInterrupted, type FleetCommand, type FleetStack, type RunSignals, type StackRunner } from "./orchestrate.js";

/**
 * Where the fleet's stacks keep their settings: a workspace of their own beside the project, whose
 * Pulumi.yaml runs the same program under the project's own name, so that the member and global stacks'
 * files never mix with the stacks of stacks/. Written once, before the stacks run side by side.
 */
export function prepareWorkspace(projectRoot: string, fleet: string): string {
  const workDir = path.join(projectRoot, ".fleet", fleet);
  mkdirSync(workDir, { recursive: true });
  // Pulumi runs a `main` inside the project's folder only, so the workspace's entry re-exports the program.
  const program = path.relative(workDir, path.join(projectRoot, "src", "index.js")).split(path.sep).join("/");
  writeFileSync(path.join(workDir, "index.ts"), `export { default } from "${program}";\n`);
  const project = {
    // The program reads its config under the project's name, so the workspace keeps it.
    name: readProjectFile(projectRoot).name,
    description: `The stacks of fleet ${fleet}, run by npm run fleet`,
    runtime: { name: "nodejs", options: { typescript: false, nodeargs: "--import tsx" } },
    main: "index.ts",
  };
  writeFileSync(path.join(workDir, "Pulumi.yaml"), stringify(project));
  return workDir;
}

/** The Pulumi CLI the Automation API drives, found once before any stack runs; a clear error without it. */
export async function findPulumiCli(): Promise<PulumiCommand> {
  try {
    return await PulumiCommand.get();
  } catch {
    throw new MissingCliError(
      "The Pulumi CLI is not on PATH, and the Automation API runs the stacks through it: install it (https://www.pulumi.com/docs/iac/download-install/), or preview offline with npm run fleet -- preview --offline",
    );
  }
}

export class MissingCliError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MissingCliError";
  }
}

/** What the runner does with a stack: the part of the Automation API's Stack it uses. */
export type FleetStackHandle = Pick<Stack, "getAllConfig" | "removeAllConfig" | "setAllConfig" | "preview" | "up" | "destroy">;

/** How the runner reaches the stacks: by default the Automation API over the Pulumi CLI, in the workspace. */
export interface StackAccess {
  /** The stack, created if it does not exist yet. */
  open(name: string): Promise<FleetStackHandle>;
  /** The stack's outputs, without secrets' values; undefined when there is no such stack. */
  outputs(name: string): Promise<Record<string, unknown> | undefined>;
}

/** What the runner needs besides the stacks: the workspace, the CLI, and the policy pack to enforce. */
export interface AutomationOptions {
  workDir: string;
  pulumiCommand: PulumiCommand;
  /** The policy pack's folder; every preview and up runs it, relaxed only by each stack's own waivers. */
  policyPack: string;
  write?: (text: string) => void;
}

/** The Automation API's access to the workspace's stacks. */
export function workspaceAccess(options: Pick<AutomationOptions, "workDir" | "pulumiCommand">): StackAccess {
  const { workDir, pulumiCommand } = options;
  return {
    open: (stackName) => LocalWorkspace.createOrSelectStack({ stackName, workDir }, { pulumiCommand }),
    async outputs(stackName) {
      // Selecting, not creating: asking whether a member is up must not make an empty stack of it.
      try {
        await LocalWorkspace.selectStack({ stackName, workDir }, { pulumiCommand });
      } catch (err) {
        if (err instanceof StackNotFoundError) return undefined;
        throw err;
      }
      // Without --show-secrets: whether `appUrl` is there is all that is asked, and no secret is printed.
      const { stdout } = await promisify(execFile)(pulumiCommand.command, ["stack", "output", "--json", "--stack", stackName], { cwd: workDir });
      return JSON.parse(stdout) as Record<string, unknown>;
    },
  };
}

/**
 * The abort signal for one CLI command, aborted on `cancel` while the CLI can take it. The Automation API
 * sends the CLI one SIGINT on an abort that comes after it has spawned the CLI; one that comes before,
 * while it prepares, is never heard. And the CLI cancels on SIGINT (letting the operations in flight
 * finish) only while its engine runs: it takes the stack's lock and prints a banner before it handles
 * SIGINT, and writes the state and unlocks after, and a SIGINT outside that kills it, leaving the lock.
 * The engine's events come within it, the cancel event last, so the abort waits for the first event and
 * is dropped from the last on. Nor is it sent once the CLI has had a signal of its own (`delivered`).
 */
function cancelWhileEngineRuns({ cancel, delivered }: RunSignals) {
  const command = new AbortController();
  let running = false;
  const pass = () => {
    if (running && cancel?.aborted && !delivered?.aborted) command.abort();
  };
  cancel?.addEventListener("abort", pass);
  return {
    signal: command.signal,
    onEvent: (event: EngineEvent) => {
      running = event.cancelEvent === undefined;
      pass();
    },
    dispose: () => cancel?.removeEventListener("abort", pass),
  };
}

/** Writes the stack's config, or says it was interrupted when a signal cut the config CLI calls short. */
async function configure(selected: FleetStackHandle, stack: FleetStack, stop: AbortSignal | undefined): Promise<void> {
  try {
    const stale = Object.keys(await selected.getAllConfig()).filter((key) => !(key in stack.config));
    if (stale.length > 0) await selected.removeAllConfig(stale);
    await selected.setAllConfig(stack.config satisfies ConfigMap);
  } catch (err) {
    if (stop?.aborted) throw new RunInterrupted(stack.name);
    throw err;
  }
}

/**
 * Runs stacks through the Pulumi CLI with the Automation API. Each stack's config becomes exactly what
 * the fleet file derives for it: keys it no longer derives (an override deleted from a member) are
 * removed, so they stop applying. Preview and up run the policy pack with the stack's waivers; destroy
 * runs no policy, which checks resources being created. Each line a stack prints (out and err) is shown
 * whole, under its name, since the members run at once. On `cancel` the running commands are cancelled;
 * on `stop` alone they are left to the signal their CLI already has.
 */
export function automationRunner(options: AutomationOptions, access: StackAccess = workspaceAccess(options)): StackRunner {
  const write = options.write ?? ((t: string) => process.stdout.write(t));
  return {
    async run(command: FleetCommand, stack: FleetStack, signals: RunSignals = {}): Promise<void> {
      const { stop } = signals;
      const selected = await access.open(stack.name);
      await configure(selected, stack, stop);
      const policyConfig = path.join(options.workDir, `${stack.name}.policy-config.json`);
      writeFileSync(policyConfig, `${JSON.stringify(stack.policyConfig, null, 2)}\n`);
      const policy = { policyPacks: [options.policyPack], policyPackConfigs: [policyConfig] };
      // An interrupt that came while the config was written reached those CLI calls, not this one.
      if (stop?.aborted) throw new RunInterrupted(stack.name);
      const lines = prefixedLines(stack.name, write);
      const errors = prefixedLines(stack.name, write);
      const cancelling = cancelWhileEngineRuns(signals);
      const streams = { onOutput: lines.push, onError: errors.push, onEvent: cancelling.onEvent, signal: cancelling.signal };
      try {
        if (command === "preview") await selected.preview({ ...streams, ...policy });
        else if (command === "up") await selected.up({ ...streams, ...policy });
        else await selected.destroy(streams);
      } finally {
        cancelling.dispose();
        lines.end();
        errors.end();
      }
    },
    async hasOutputs(stack: FleetStack): Promise<boolean> {
      const outputs = await access.outputs(stack.name);
      return outputs !== undefined && "appUrl" in outputs;
    },
  };
}
