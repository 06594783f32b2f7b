import * as pulumi from "@pulumi/pulumi";

/** One bad config value: the full key, the value given (undefined when missing) and what is accepted. */
export interface ConfigProblem {
  key: string;
  value: string | undefined;
  expected: string;
}

/**
 * Thrown before any resource is registered when the stack config is invalid. A RunError, so the
 * Pulumi language host prints the message alone, without a stack trace.
 */
export class ConfigError extends pulumi.RunError {
  readonly problems: readonly ConfigProblem[];

  constructor(stack: string, problems: readonly ConfigProblem[]) {
    super(formatProblems(stack, problems));
    this.name = "ConfigError";
    this.problems = problems;
  }
}

function describeValue(value: string | undefined): string {
  if (value === undefined) return "is missing";
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return `= ${JSON.stringify(shown)}`;
}

export function formatProblems(stack: string, problems: readonly ConfigProblem[]): string {
  const lines = problems.map((p) => `  - ${p.key} ${describeValue(p.value)}: ${p.expected}`);
  const noun = problems.length === 1 ? "problem" : "problems";
  return `Invalid config for stack "${stack}" (${problems.length} ${noun}):\n${lines.join("\n")}`;
}
