/**
 * A fleet past one stack: each member a stack of its own and the global entry a stack that reads them
 * by stack reference. Members go side by side (as many at once as `parallel` allows); the global stack
 * goes after every member on preview and up, and before any member on destroy. What runs a stack is a
 * StackRunner: the Automation API against the Pulumi CLI, or the offline plan.
 */

export const fleetCommands = ["preview", "up", "destroy"] as const;
export type FleetCommand = (typeof fleetCommands)[number];

/** A config value as the Automation API sets it. */
export interface ConfigEntry {
  value: string;
  secret?: boolean;
}

/** One stack of the fleet, with the whole config it runs with. */
export interface FleetStack {
  name: string;
  config: Record<string, ConfigEntry>;
  /** The policy pack's config for it: the policies its waivers relax, at advisory. */
  policyConfig: Record<string, unknown>;
}

export interface FleetStacks {
  members: FleetStack[];
  global: FleetStack;
}

/** How a run is cut short. */
export interface RunSignals {
  /** Once aborted, no further stack, nor the command of a stack being configured, starts (RunInterrupted). */
  stop?: AbortSignal;
  /**
   * Once aborted, the running commands are cancelled, as Pulumi cancels on Ctrl-C: for a signal that
   * reached this process alone, and not the Pulumi CLIs it runs. Aborting it should abort `stop` too.
   */
  cancel?: AbortSignal;
  /** Aborted once every running CLI has had a signal of its own (a terminal's Ctrl-C): none is passed on after. */
  delivered?: AbortSignal;
}

export interface StackRunner {
  /**
   * Runs the command on the stack; rejects when it fails. If `stop` has aborted by the time the stack's
   * config is written, the command is not started, and the run rejects with RunInterrupted.
   */
  run(command: FleetCommand, stack: FleetStack, signals?: RunSignals): Promise<void>;
  /** Whether the stack has been brought up: a stack reference to it has an `appUrl` to read. */
  hasOutputs(stack: FleetStack): Promise<boolean>;
}

export type StackOutcome =
  | { stack: string; status: "succeeded" }
  | { stack: string; status: "failed"; error: string }
  | { stack: string; status: "skipped"; reason: string }
  /** Ended in error once the run was stopped: cancelled, or its config cut off; its stack may be part-way. */
  | { stack: string; status: "interrupted"; error: string };

export interface OrchestrateOptions extends RunSignals {
  /** How many member stacks run at once. @default 4 */
  parallel?: number;
}

/** A stack whose command was not started, since the run was interrupted while its config was written. */
export class RunInterrupted extends Error {
  constructor(stack: string) {
    super(`${stack}: not started, the run was interrupted`);
    this.name = "RunInterrupted";
  }
}

/** Member stacks run at once unless told otherwise: each is a Pulumi CLI and a Node.js program of its own. */
export const defaultParallel = 4;

export interface FleetRunReport {
  command: FleetCommand;
  /** In the order the stacks finished (or were skipped). */
  outcomes: StackOutcome[];
  /** No stack failed; a stack skipped on a first preview, before any member is up, is not a failure. */
  ok: boolean;
}

/** The stack-wide summary Pulumi adds under the Stack resource, which says only that something failed. */
const summaryError = /^error: (update|preview|destroy|refresh) failed$/i;

/**
 * Why a stack failed, in a line. The whole output has already been printed, each line under its stack's
 * name; the Automation API's error holds it again (`code:`, `stdout:`, `stderr:`), with Pulumi's
 * diagnostics in no set order. So: the first `error:` line that is not the summary, after the resource
 * it is under, else the summary, else the first line of the message.
 */
export function failureReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const lines = text
    .split("\n")
    .map((l) => l.trim().replace(/^(stdout|stderr|err\?):\s*/, ""))
    .filter((l) => l.length > 0 && !/^code: -?\d+$/.test(l));
  const at = lines.findIndex((l) => /^error:/.test(l) && !summaryError.test(l));
  const under = at > 0 && /\):$/.test(lines[at - 1] ?? "") ? `${lines[at - 1] ?? ""} ` : "";
  const reason = at >= 0 ? `${under}${lines[at] ?? ""}` : (lines.find((l) => summaryError.test(l)) ?? lines[0] ?? "failed without a message");
  return reason.length > 300 ? `${reason.slice(0, 299)}…` : reason;
}

const stopped = "not started: the run was interrupted";

interface Run {
  command: FleetCommand;
  runner: StackRunner;
  options: OrchestrateOptions;
  outcomes: StackOutcome[];
}

/** Runs one stack unless the run was stopped first; true when it succeeded. */
async function runStack(stack: FleetStack, run: Run): Promise<boolean> {
  if (run.options.stop?.aborted) {
    run.outcomes.push({ stack: stack.name, status: "skipped", reason: stopped });
    return false;
  }
  try {
    const { stop, cancel, delivered } = run.options;
    await run.runner.run(run.command, stack, { stop, cancel, delivered });
    run.outcomes.push({ stack: stack.name, status: "succeeded" });
    return true;
  } catch (err) {
    if (err instanceof RunInterrupted) run.outcomes.push({ stack: stack.name, status: "skipped", reason: stopped });
    // Once stopped, an error is the interrupt's doing (a cancelled update, a config call cut off), not the stack's.
    else if (run.options.stop?.aborted) run.outcomes.push({ stack: stack.name, status: "interrupted", error: failureReason(err) });
    else run.outcomes.push({ stack: stack.name, status: "failed", error: failureReason(err) });
    return false;
  }
}

/** Runs the members side by side, `parallel` at a time, each to its end even when another fails; the names of those that did not succeed. */
async function runMembers(stacks: FleetStack[], run: Run): Promise<string[]> {
  const failed: string[] = [];
  const queue = [...stacks];
  const parallel = Math.max(1, run.options.parallel ?? defaultParallel);
  const lane = async () => {
    for (let stack = queue.shift(); stack; stack = queue.shift()) {
      if (!(await runStack(stack, run))) failed.push(stack.name);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, stacks.length) }, lane));
  return failed;
}

/** Why the global stack's preview cannot run yet: a member with nothing for a stack reference to read, or whose outputs could not be read. */
async function whyNotReadable(stacks: FleetStack[], runner: StackRunner): Promise<{ reason: string; error: boolean } | undefined> {
  const checks = await Promise.all(stacks.map((s) => runner.hasOutputs(s).then((up) => ({ s, up }), (err: unknown) => ({ s, up: false, err }))));
  const unreadable = checks.find((c) => "err" in c);
  if (unreadable && "err" in unreadable) return { reason: `the outputs of ${unreadable.s.name} could not be read: ${failureReason(unreadable.err)}`, error: true };
  const notUp = checks.filter((c) => !c.up).map((c) => c.s.name);
  if (notUp.length === 0) return undefined;
  return { reason: `member stack(s) ${notUp.join(", ")} have not been brought up, so the global entry has nothing to read yet; npm run fleet -- up brings them up first`, error: false };
}

/**
 * Preview and up: every member side by side, then the global stack, which reads their outputs, once all
 * have succeeded (a first preview stops before it: its members are not up yet); a member that fails
 * leaves the entry as it was, sending visitors to the members it knew. Destroy: the global stack first,
 * so no record or origin outlives the load balancer it names (a dangling name); the members only once it
 * is gone.
 */
export async function orchestrate(command: FleetCommand, stacks: FleetStacks, runner: StackRunner, options: OrchestrateOptions = {}): Promise<FleetRunReport> {
  const outcomes: StackOutcome[] = [];
  const run: Run = { command, runner, options, outcomes };
  let unreadError = false;
  const skip = (names: string[], reason: string) => names.forEach((stack) => outcomes.push({ stack, status: "skipped", reason }));
  if (command === "destroy") {
    if (await runStack(stacks.global, run)) {
      await runMembers(stacks.members, run);
    } else {
      skip(
        stacks.members.map((m) => m.name),
        `${stacks.global.name} was not destroyed, and its records still name the members' load balancers`,
      );
    }
  } else {
    const failed = await runMembers(stacks.members, run);
    // A preview deploys nothing: before the first up, the members have no outputs for the global stack to read.
    // Once stopped, the global stack does not start, and nothing is asked of the members' stacks.
    const unread = command === "preview" && failed.length === 0 && !options.stop?.aborted ? await whyNotReadable(stacks.members, runner) : undefined;
    if (failed.length > 0) skip([stacks.global.name], `member stack(s) ${failed.join(", ")} did not succeed; the global entry is left as it was`);
    // An interrupt while the outputs were read cut those reads short: the global stack is not started.
    else if (unread && !options.stop?.aborted) {
      skip([stacks.global.name], unread.reason);
      unreadError = unread.error;
    } else await runStack(stacks.global, run);
  }
  const interrupted = options.stop?.aborted === true;
  const ok = !interrupted && !unreadError && outcomes.every((o) => o.status !== "failed") && !(command === "destroy" && outcomes.some((o) => o.status === "skipped"));
  return { command, outcomes, ok };
}

/** The report as lines for the terminal. */
export function renderFleetRun(report: FleetRunReport): string {
  const line = (o: StackOutcome) => {
    if (o.status === "succeeded") return `  ok       ${o.stack}`;
    if (o.status === "failed") return `  FAILED   ${o.stack}: ${o.error}`;
    if (o.status === "interrupted") return `  stopped  ${o.stack}: interrupted, and may have stopped part-way: ${o.error}`;
    return `  skipped  ${o.stack}: ${o.reason}`;
  };
  return [`fleet ${report.command}: ${report.ok ? "every stack succeeded" : "not every stack succeeded"}`, ...report.outcomes.map(line)].join("\n");
}
