import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

/**
 * The configuration reference in README.md, made from Pulumi.yaml: a table per section of the file (the
 * `# --- <title> ---` comments), a row per key with its type and description. `npm run docs:config`
 * writes it between the README's markers; a test fails when the two differ, so the reference cannot drift.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const referenceStart = "<!-- config-reference: made by npm run docs:config from Pulumi.yaml; do not edit by hand -->";
export const referenceEnd = "<!-- /config-reference -->";

interface Declaration {
  /** Unset for a key whose values Pulumi.yaml cannot type, such as a list of objects. */
  type?: string;
  items?: { type: string };
  default?: unknown;
  description?: string;
}

/** The keys of each section of Pulumi.yaml's config, in the file's order. */
function sections(text: string): { title: string; keys: string[] }[] {
  const result: { title: string; keys: string[] }[] = [];
  for (const line of text.split("\n")) {
    const title = /^ {2}# --- (.+?) -+$/.exec(line)?.[1];
    if (title) result.push({ title, keys: [] });
    const key = /^ {2}([A-Za-z][\w:-]*):\s*$/.exec(line)?.[1];
    if (key) result.at(-1)?.keys.push(key);
  }
  return result;
}

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
const typeOf = (d: Declaration) => (d.type === undefined ? "YAML value (untyped)" : d.type === "array" ? `list of ${d.items?.type ?? "string"}` : d.type);

function describe(d: Declaration): string {
  const text = d.description ?? "";
  return d.default !== undefined && !/Default:/.test(text) ? `${text} Default: ${JSON.stringify(d.default)}.` : text;
}

export function renderConfigReference(pulumiYaml: string): string {
  const config = (parse(pulumiYaml) as { config: Record<string, Declaration> }).config;
  const tables = sections(pulumiYaml).map(({ title, keys }) => {
    const rows = keys.map((key) => {
      const d = config[key];
      if (!d) throw new Error(`Pulumi.yaml: ${key} is not a config key`);
      return `| \`${key}\` | ${typeOf(d)} | ${cell(describe(d))} |`;
    });
    return [`### ${title}`, "", "| Key | Type | What it sets |", "| --- | --- | --- |", ...rows].join("\n");
  });
  return [referenceStart, "", ...tables.flatMap((t) => [t, ""]), referenceEnd].join("\n");
}

/** README.md with its reference section replaced by `reference`. */
export function withReference(readme: string, reference: string): string {
  const start = readme.indexOf(referenceStart);
  const end = readme.indexOf(referenceEnd);
  if (start < 0 || end < start) throw new Error(`README.md has no ${referenceStart} ... ${referenceEnd} section`);
  return readme.slice(0, start) + reference + readme.slice(end + referenceEnd.length);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const readmePath = path.join(root, "README.md");
  const reference = renderConfigReference(readFileSync(path.join(root, "Pulumi.yaml"), "utf8"));
  writeFileSync(readmePath, withReference(readFileSync(readmePath, "utf8"), reference));
  console.log("README.md: configuration reference written from Pulumi.yaml");
}
