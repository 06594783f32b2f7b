import type { MockResourceArgs, Mocks } from "@pulumi/pulumi/runtime/index.js";
import { attemptProgram, type Capture, type StackOutput } from "../plan/capture.js";
import { createMocks } from "../plan/mocks/index.js";
import { offlineExamples } from "../plan/offline-examples.js";
import type { FleetCommand, FleetStack, StackRunner } from "./orchestrate.js";

/** What src/index.ts exports. */
type Program = (options?: { examples?: readonly string[] }) => Promise<Record<string, unknown>>;

export interface OfflineRunner extends StackRunner {
  /** Each stack's plan, once it has run. */
  readonly captures: ReadonlyMap<string, Capture>;
}

/**
 * The fleet's stacks under the offline plan's mock runtime: preview only. A stack reference answers with
 * the outputs the referenced stack's own run produced, and has none if it has not run, so that reading
 * one fails as it does for a stack never brought up; so the order of the runs is what a real preview would need. The mock
 * runtime is one per process, so the runs take turns, in the order they are started. `examples` names
 * the keys whose values are the plan's labelled examples.
 */
export function offlineRunner(project: string, examples: readonly string[] = []): OfflineRunner {
  const captures = new Map<string, Capture>();
  let turn: Promise<unknown> = Promise.resolve();
  const referenced = (args: MockResourceArgs) => {
    const name = String((args.inputs as { name?: unknown }).name ?? args.name);
    const found = captures.get(name)?.outputs ?? {};
    const outputs = Object.fromEntries(Object.entries(found).map(([key, out]: [string, StackOutput]) => [key, out.value]));
    const secretOutputNames = Object.entries(found).filter(([, out]) => out.secret).map(([key]) => key);
    return { id: name, state: { name, outputs, secretOutputNames } };
  };
  /**
   * The member stacks a global stack reads: each must have run, or the reference has nothing to read.
   * Checked before the run, since a reference that fails inside the mock runtime leaves it waiting.
   */
  const checkReferences = (stack: FleetStack) => {
    const prefix = stack.config[`${project}:fleetMemberStacks`]?.value;
    if (prefix === undefined) return;
    const members = JSON.parse(stack.config[`${project}:fleetMembers`]?.value ?? "[]") as { name: string }[];
    const missing = members.map((m) => `${prefix}-${m.name}`).filter((name) => captures.get(name)?.outputs.appUrl === undefined);
    if (missing.length > 0) throw new Error(`${stack.name} reads ${missing.join(", ")} by stack reference, and they have no outputs: they have not been brought up`);
  };
  const preview = async (stack: FleetStack) => {
    checkReferences(stack);
    const base = createMocks(project, stack.name);
    const mocks: Mocks = {
      newResource: (args) => (args.type === "pulumi:pulumi:StackReference" ? referenced(args) : base.newResource(args)),
      call: (args) => base.call(args),
    };
    const given = Object.fromEntries(Object.entries(stack.config).map(([key, entry]) => [key, entry.value]));
    const secretKeys = Object.entries(stack.config).filter(([, entry]) => entry.secret).map(([key]) => key);
    // What a member's own stack leaves to the user (a prod member's address ranges) is stood in as the plan does.
    const own = offlineExamples({ project, stack: stack.name, values: given, secretKeys });
    const config = { ...given, ...Object.fromEntries(own.map((e) => [e.key, e.value])) };
    const { default: program } = (await import("../index.js")) as { default: Program };
    const stackExamples = [...examples.filter((key) => key in stack.config), ...own.map((e) => e.key)];
    const { error, ...capture } = await attemptProgram(() => program({ examples: stackExamples }), { project, stack: stack.name, config, secretKeys, mocks });
    if (error !== undefined) throw error;
    captures.set(stack.name, capture);
  };
  return {
    captures,
    // Offline, a member's plan stands for its stack brought up: its outputs are what the global stack reads.
    hasOutputs: (stack: FleetStack) => Promise.resolve(captures.get(stack.name)?.outputs.appUrl !== undefined),
    run(command: FleetCommand, stack: FleetStack): Promise<void> {
      if (command !== "preview") return Promise.reject(new Error(`offline runs preview only; ${command} needs the Pulumi CLI and the clouds`));
      const run = turn.then(() => preview(stack));
      turn = run.catch(() => undefined);
      return run;
    },
  };
}
