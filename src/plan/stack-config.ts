import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import type { ConfigSource } from "../config.js";

/** The repository root, where Pulumi.yaml lives. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

interface ProjectFile {
  name: string;
  stackConfigDir?: string;
  config?: Record<string, { default?: unknown } | undefined>;
}

export function readProjectFile(root = projectRoot): ProjectFile {
  return parseYamlFile(path.join(root, "Pulumi.yaml")) as ProjectFile;
}

function stacksDir(root: string): string {
  return path.join(root, readProjectFile(root).stackConfigDir ?? ".");
}

/** The stacks that have a `Pulumi.<stack>.yaml` file, sorted. */
export function listStacks(root = projectRoot): string[] {
  return readdirSync(stacksDir(root))
    .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
    .filter((stack): stack is string => stack !== undefined)
    .sort();
}

/** A stack file that is missing or not readable; the plan prints it without a stack trace. */
export class StackFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StackFileError";
  }
}

function unknownStack(stack: string, known: string[]): StackFileError {
  return new StackFileError(`No stack "${stack}": there is no stacks/Pulumi.${stack}.yaml. Known stacks: ${known.join(", ")}.`);
}

function parseYamlFile(file: string): unknown {
  try {
    return parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new StackFileError(`${path.relative(projectRoot, file)} is not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Placeholder for `secure:` values, which only the Pulumi CLI can decrypt. */
export const offlineSecretPlaceholder = "offline-plan-secret";

export interface StackConfig extends ConfigSource {
  /** Keys whose values are secrets in the stack file. */
  secretKeys: string[];
}

function toConfigString(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function isSecure(value: unknown): value is { secure: string } {
  return typeof value === "object" && value !== null && "secure" in value && Object.keys(value).length === 1;
}

/**
 * Reads a stack's config the way the Pulumi CLI hands it to a program: project defaults from
 * Pulumi.yaml first, then the stack file's values, every one as a string (objects as JSON).
 */
export function readStackConfig(stack: string, root = projectRoot): StackConfig {
  const project = readProjectFile(root);
  const file = path.join(stacksDir(root), `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) throw unknownStack(stack, listStacks(root));
  const stackFile = (parseYamlFile(file) ?? {}) as { config?: Record<string, unknown> };
  const values: Record<string, string> = {};
  for (const [key, declaration] of Object.entries(project.config ?? {})) {
    if (declaration?.default !== undefined) {
      values[key.includes(":") ? key : `${project.name}:${key}`] = toConfigString(declaration.default);
    }
  }
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(stackFile.config ?? {})) {
    if (isSecure(value)) {
      values[key] = offlineSecretPlaceholder;
      secretKeys.push(key);
    } else {
      values[key] = toConfigString(value);
    }
  }
  return { project: project.name, stack, values, secretKeys };
}
