/**
 * A fleet past one stack: each member a stack of its own and the global entry a stack that reads them
 * by stack reference. Members go side by side; the global stack goes after every member on preview and
 * up, and before any member on destroy. What runs a stack is a StackRunner: the Automation API against
 * the Pulumi CLI, or the offline plan.
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
  /** The member it holds; undefined for the global stack. */
  member?: string;
  config: Record<string, ConfigEntry>;
}

export interface FleetStacks {
  members: FleetStack[];
  global: FleetStack;
}

export interface StackRunner {
  /** Runs the command on the stack; rejects when it fails. */
  run(command: FleetCommand, stack: FleetStack): Promise<void>;
}

export type StackOutcome =
  | { stack: string; status: "succeeded" }
  | { stack: string; status: "failed"; error: string }
  | { stack: string; status: "skipped"; reason: string };

export interface FleetRunReport {
  command: FleetCommand;
  /** In the order the stacks finished (or were skipped). */
  outcomes: StackOutcome[];
  ok: boolean;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Runs the members side by side, each to its end even when another fails. */
async function runMembers(command: FleetCommand, stacks: FleetStack[], runner: StackRunner, outcomes: StackOutcome[]): Promise<string[]> {
  const failed: string[] = [];
  await Promise.all(
    stacks.map(async (stack) => {
      try {
        await runner.run(command, stack);
        outcomes.push({ stack: stack.name, status: "succeeded" });
      } catch (err) {
        failed.push(stack.name);
        outcomes.push({ stack: stack.name, status: "failed", error: message(err) });
      }
    }),
  );
  return failed;
}

async function runGlobal(command: FleetCommand, stack: FleetStack, runner: StackRunner, outcomes: StackOutcome[]): Promise<boolean> {
  try {
    await runner.run(command, stack);
    outcomes.push({ stack: stack.name, status: "succeeded" });
    return true;
  } catch (err) {
    outcomes.push({ stack: stack.name, status: "failed", error: message(err) });
    return false;
  }
}

/**
 * Preview and up: every member side by side, then the global stack, which reads their outputs, once all
 * have succeeded; a member that fails leaves the entry as it was, sending visitors to the members it
 * knew. Destroy: the global stack first, so no record or origin outlives the load balancer it names (a
 * dangling name); the members only once it is gone.
 */
export async function orchestrate(command: FleetCommand, stacks: FleetStacks, runner: StackRunner): Promise<FleetRunReport> {
  const outcomes: StackOutcome[] = [];
  const skip = (names: string[], reason: string) => names.forEach((stack) => outcomes.push({ stack, status: "skipped", reason }));
  if (command === "destroy") {
    if (await runGlobal(command, stacks.global, runner, outcomes)) {
      await runMembers(command, stacks.members, runner, outcomes);
    } else {
      skip(
        stacks.members.map((m) => m.name),
        `${stacks.global.name} was not destroyed, and its records still name the members' load balancers`,
      );
    }
  } else {
    const failed = await runMembers(command, stacks.members, runner, outcomes);
    if (failed.length === 0) await runGlobal(command, stacks.global, runner, outcomes);
    else skip([stacks.global.name], `member stack(s) ${failed.join(", ")} failed; the global entry is left as it was`);
  }
  return { command, outcomes, ok: outcomes.every((o) => o.status === "succeeded") };
}

/** The report as lines for the terminal. */
export function renderFleetRun(report: FleetRunReport): string {
  const line = (o: StackOutcome) =>
    o.status === "succeeded" ? `  ok       ${o.stack}` : o.status === "failed" ? `  FAILED   ${o.stack}: ${o.error}` : `  skipped  ${o.stack}: ${o.reason}`;
  return [`fleet ${report.command}: ${report.ok ? "every stack succeeded" : "not every stack succeeded"}`, ...report.outcomes.map(line)].join("\n");
}
