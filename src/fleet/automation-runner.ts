import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation/index.js";
import { stringify } from "yaml";
import type { FleetCommand, FleetStack, StackRunner } from "./orchestrate.js";

/**
 * Where the fleet's stacks keep their settings: a workspace of their own beside the project, whose
 * Pulumi.yaml runs the same program, so that the member and global stacks' files never mix with the
 * stacks of stacks/. Written once, before the stacks run side by side.
 */
export function prepareWorkspace(projectRoot: string, fleet: string): string {
  const workDir = path.join(projectRoot, ".fleet", fleet);
  mkdirSync(workDir, { recursive: true });
  // Pulumi runs a `main` inside the project's folder only, so the workspace's entry re-exports the program.
  const program = path.relative(workDir, path.join(projectRoot, "src", "index.js")).split(path.sep).join("/");
  writeFileSync(path.join(workDir, "index.ts"), `export { default } from "${program}";\n`);
  const project = {
    name: "voting-platform",
    description: `The stacks of fleet ${fleet}, run by npm run fleet`,
    runtime: { name: "nodejs", options: { typescript: false, nodeargs: "--import tsx" } },
    main: "index.ts",
  };
  writeFileSync(path.join(workDir, "Pulumi.yaml"), stringify(project));
  return workDir;
}

/** Each line a stack prints, prefixed with its name, since the members run at once. */
function prefixed(stack: string, write: (text: string) => void): (out: string) => void {
  return (out) => write(out.replace(/\n$/, "").split("\n").map((line) => `[${stack}] ${line}`).join("\n") + "\n");
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

/** What the runner needs besides the stacks: the workspace, the CLI, and the policy pack to enforce. */
export interface AutomationOptions {
  workDir: string;
  pulumiCommand: PulumiCommand;
  /** The policy pack's folder; every preview and up runs it, relaxed only by each stack's own waivers. */
  policyPack: string;
  write?: (text: string) => void;
}

/**
 * Runs stacks through the Pulumi CLI with the Automation API. Each stack's config becomes exactly what
 * the fleet file derives for it: keys it no longer derives (an override deleted from a member) are
 * removed, so they stop applying.
 */
export function automationRunner(options: AutomationOptions): StackRunner {
  const write = options.write ?? ((t: string) => process.stdout.write(t));
  return {
    async run(command: FleetCommand, stack: FleetStack): Promise<void> {
      const selected = await LocalWorkspace.createOrSelectStack({ stackName: stack.name, workDir: options.workDir }, { pulumiCommand: options.pulumiCommand });
      const stale = Object.keys(await selected.getAllConfig()).filter((key) => !(key in stack.config));
      if (stale.length > 0) await selected.removeAllConfig(stale);
      await selected.setAllConfig(stack.config);
      const policyConfig = path.join(options.workDir, `${stack.name}.policy-config.json`);
      writeFileSync(policyConfig, `${JSON.stringify(stack.policyConfig, null, 2)}\n`);
      const policy = { policyPacks: [options.policyPack], policyPackConfigs: [policyConfig] };
      const onOutput = prefixed(stack.name, write);
      if (command === "preview") await selected.preview({ onOutput, ...policy });
      else if (command === "up") await selected.up({ onOutput, ...policy });
      else await selected.destroy({ onOutput });
    },
    async hasOutputs(stack: FleetStack): Promise<boolean> {
      const selected = await LocalWorkspace.createOrSelectStack({ stackName: stack.name, workDir: options.workDir }, { pulumiCommand: options.pulumiCommand });
      return "appUrl" in (await selected.outputs());
    },
  };
}
