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
  config: Record<string, ConfigEntry>;
  /** The policy pack's config for it: the policies its waivers relax, at advisory. */
  policyConfig: Record<string, unknown>;
}

export interface FleetStacks {
  members: FleetStack[];
  global: FleetStack;
}

export interface StackRunner {
  /** Runs the command on the stack; rejects when it fails. */
  run(command: FleetCommand, stack: FleetStack): Promise<void>;
  /** Whether the stack has been brought up: a stack reference to it has an `appUrl` to read. */
  hasOutputs(stack: FleetStack): Promise<boolean>;
}

export type StackOutcome =
  | { stack: string; status: "succeeded" }
  | { stack: string; status: "failed"; error: string }
  | { stack: string; status: "skipped"; reason: string };

export interface FleetRunReport {
  command: FleetCommand;
  /** In the order the stacks finished (or were skipped). */
  outcomes: StackOutcome[];
  /** No stack failed; a stack skipped on a first preview, before any member is up, is not a failure. */
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

async function membersNotUp(stacks: FleetStack[], runner: StackRunner): Promise<string[]> {
  const up = await Promise.all(stacks.map((s) => runner.hasOutputs(s)));
  return stacks.filter((_, i) => !up[i]).map((s) => s.name);
}

/**
 * Preview and up: every member side by side, then the global stack, which reads their outputs, once all
 * have succeeded (a first preview stops before it: its members are not up yet); a member that fails
 * leaves the entry as it was, sending visitors to the members it knew. Destroy: the global stack first,
 * so no record or origin outlives the load balancer it names (a dangling name); the members only once it
 * is gone.
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
    // A preview creates nothing: before the first up, the members have no outputs for the global stack to read.
    const notUp = command === "preview" && failed.length === 0 ? await membersNotUp(stacks.members, runner) : [];
    if (failed.length > 0) skip([stacks.global.name], `member stack(s) ${failed.join(", ")} failed; the global entry is left as it was`);
    else if (notUp.length > 0) skip([stacks.global.name], `member stack(s) ${notUp.join(", ")} have not been brought up, so the global entry has nothing to read yet; npm run fleet -- up brings them up first`);
    else await runGlobal(command, stacks.global, runner, outcomes);
  }
  return { command, outcomes, ok: outcomes.every((o) => o.status !== "failed") && !(command === "destroy" && outcomes.some((o) => o.status === "skipped")) };
}

/** The report as lines for the terminal. */
export function renderFleetRun(report: FleetRunReport): string {
  const line = (o: StackOutcome) =>
    o.status === "succeeded" ? `  ok       ${o.stack}` : o.status === "failed" ? `  FAILED   ${o.stack}: ${o.error}` : `  skipped  ${o.stack}: ${o.reason}`;
  return [`fleet ${report.command}: ${report.ok ? "every stack succeeded" : "not every stack succeeded"}`, ...report.outcomes.map(line)].join("\n");
}
