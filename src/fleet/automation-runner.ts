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
  const project = {
    name: "voting-platform",
    description: `The stacks of fleet ${fleet}, run by npm run fleet`,
    runtime: { name: "nodejs", options: { typescript: false, nodeargs: "--import tsx" } },
    main: path.relative(workDir, path.join(projectRoot, "src", "index.ts")),
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

/** Runs stacks through the Pulumi CLI with the Automation API: config set, then the command. */
export function automationRunner(workDir: string, pulumiCommand: PulumiCommand, write: (text: string) => void = (t) => process.stdout.write(t)): StackRunner {
  return {
    async run(command: FleetCommand, stack: FleetStack): Promise<void> {
      const selected = await LocalWorkspace.createOrSelectStack({ stackName: stack.name, workDir }, { pulumiCommand });
      await selected.setAllConfig(stack.config);
      const onOutput = prefixed(stack.name, write);
      if (command === "preview") await selected.preview({ onOutput });
      else if (command === "up") await selected.up({ onOutput });
      else await selected.destroy({ onOutput });
    },
  };
}
