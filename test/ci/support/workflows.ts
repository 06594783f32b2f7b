import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Evaluator, Lexer, Parser, data } from "@actions/expressions";
import { truthy } from "@actions/expressions/result";
import { parse } from "yaml";

/** The repository root, from this file's place in test/ci/support. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

export const read = (file: string): string => readFileSync(path.join(root, file), "utf8");

/** A step of a job or of a composite action, as written. */
export interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
  shell?: string;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  "runs-on"?: string;
  "timeout-minutes"?: number;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  strategy?: { "fail-fast"?: boolean; "max-parallel"?: number; matrix?: Record<string, unknown> };
  concurrency?: { group: string; "cancel-in-progress"?: boolean | string };
  env?: Record<string, string>;
  outputs?: Record<string, string>;
  steps?: Step[];
}

export interface Workflow {
  name: string;
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

export interface CompositeAction {
  name: string;
  inputs?: Record<string, { description?: string; required?: boolean; default?: string }>;
  runs: { using: string; steps: Step[] };
}

export const workflowFiles = readdirSync(path.join(root, ".github/workflows"))
  .filter((file) => /\.ya?ml$/.test(file))
  .sort()
  .map((file) => `.github/workflows/${file}`);

export const workflow = (file: string): Workflow => parse(read(file)) as Workflow;

/** Local composite actions, by the `uses:` path that names them (./.github/actions/<name>). */
export const localActions = new Map(
  readdirSync(path.join(root, ".github/actions")).map((name) => [
    `./.github/actions/${name}`,
    parse(read(`.github/actions/${name}/action.yml`)) as CompositeAction,
  ]),
);

/** Every step of the workflows and of the local actions, with where it is, for messages. */
export function allSteps(): { where: string; step: Step }[] {
  const steps: { where: string; step: Step }[] = [];
  for (const file of workflowFiles) {
    for (const [id, job] of Object.entries(workflow(file).jobs)) {
      for (const step of job.steps ?? []) steps.push({ where: `${file} ${id}`, step });
    }
  }
  for (const [uses, action] of localActions) {
    for (const step of action.runs.steps) steps.push({ where: uses, step });
  }
  return steps;
}

/** A remote `uses:` split into the action (owner/repo, lower case as GitHub matches it) and its ref. */
export function remoteAction(uses: string): { action: string; ref: string } | undefined {
  if (uses.startsWith("./") || uses.startsWith("docker://")) return undefined;
  const [action = "", ref = ""] = uses.split("@");
  return { action: action.toLowerCase(), ref };
}

export interface ActionRecord {
  version: string;
  commit: string;
  released: string;
  runtime: string;
  source: string;
  inputs: string[];
  required: string[];
}

export interface NodeLts {
  line: number;
  codename: string | null;
  status: "active" | "maintenance";
  lts: string;
  maintenance: string;
  end: string;
}

export interface ActionsData {
  asOf: string;
  source: string;
  actions: Record<string, ActionRecord>;
  nodeLts: { source: string; lines: NodeLts[] };
}

export const actionsData = JSON.parse(read("data/github-actions.json")) as ActionsData;

/** The stacks by their files, and the cloud each names (voting-platform:cloud). */
export const stacks: { name: string; cloud: string; environment: string }[] = readdirSync(path.join(root, "stacks"))
  .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file))
  .filter((match): match is RegExpExecArray => match !== null)
  .map((match) => {
    const config = (parse(read(`stacks/${match[0]}`)) as { config: Record<string, unknown> }).config;
    return {
      name: match[1] ?? "",
      cloud: String(config["voting-platform:cloud"]),
      environment: String(config["voting-platform:environment"]),
    };
  })
  .sort((a, b) => a.name.localeCompare(b.name));

function expressionValue(expression: string, contexts: Record<string, unknown>): data.ExpressionData {
  const tokens = new Lexer(expression).lex().tokens;
  const expr = new Parser(tokens, Object.keys(contexts), []).parse();
  const context = JSON.parse(JSON.stringify(contexts), data.reviver) as data.Dictionary;
  return new Evaluator(expr, context).evaluate();
}

/**
 * What the runner makes of a value with `${{ }}` in it, such as `out/${{ matrix.stack }}/x.json`, with
 * GitHub's own expression evaluator (@actions/expressions) over contexts given as plain JSON.
 */
export function interpolate(text: string, contexts: Record<string, unknown>): string {
  return text.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, expression: string) => expressionValue(expression, contexts).coerceString());
}

/** Whether an `if:` (written bare or inside `${{ }}`) lets its job or step run. */
export function runs(condition: string, contexts: Record<string, unknown>): boolean {
  const expression = /^\s*\$\{\{([\s\S]*)\}\}\s*$/.exec(condition)?.[1] ?? condition;
  return truthy(expressionValue(expression, contexts));
}

/** The value of a step's `with:` key as written, as a string. */
export const input = (step: Step, key: string): string | undefined =>
  step.with?.[key] === undefined ? undefined : String(step.with[key]);
