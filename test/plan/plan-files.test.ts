import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { captureStack, type Capture, type CapturedResource } from "../../src/plan/capture.js";
import { analyzeInsights, writeInsightFiles } from "../../src/plan/insights/index.js";
import { writePlanFiles } from "../../src/plan/report.js";
import { listStacks } from "../../src/plan/stack-config.js";

/** The value at a path such as `spec.data.password` or `items[1].value`. */
function valueAt(value: unknown, at: string): unknown {
  if (at === "(root)") return value;
  return at
    .split(/\.|(?=\[)/)
    .filter((part) => part !== "")
    .reduce<unknown>((node, part) => {
      const key = /^\[(\d+)\]$/.exec(part)?.[1];
      if (typeof node !== "object" || node === null) return undefined;
      return (node as Record<string, unknown>)[key ?? part];
    }, value);
}

/** Every string inside a value, for secrets that are objects or lists. */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(strings);
  return [];
}

/** Each secret the capture holds, unmasked: secret inputs and outputs of resources, and secret stack outputs. */
function secrets(capture: Capture): string[] {
  const ofResource = (r: CapturedResource) => [
    ...r.secretInputs.flatMap((at) => strings(valueAt(r.inputs, at))),
    ...[...r.secretInputs, ...r.additionalSecretOutputs].flatMap((at) => strings(valueAt(r.outputs, at))),
  ];
  const found = [...capture.resources.flatMap(ofResource), ...Object.values(capture.outputs).filter((o) => o.secret).flatMap((o) => strings(o.value))];
  // Long enough that seeing one in a file cannot be a coincidence.
  return [...new Set(found.filter((s) => s.length >= 12))];
}

const stacks = listStacks();
const captures = new Map<string, Capture>();
beforeAll(async () => {
  for (const stack of stacks) captures.set(stack, await captureStack(stack, { appFrontend: stack === "local" ? undefined : "own" }, { offline: true }));
}, 120_000);

describe.each(stacks)("the files the plan writes for %s", (stack) => {
  it("hold no secret the program handles, in any file, manifests.yaml included", async () => {
    const capture = captures.get(stack) as Capture;
    const known = secrets(capture);
    // The stack really handles secrets: kubeconfigs, Redis and push passwords.
    expect(known.length, stack).toBeGreaterThanOrEqual(2);
    const dir = mkdtempSync(path.join(tmpdir(), "plan-files-"));
    writePlanFiles(capture, dir);
    const insights = analyzeInsights(capture, { cloud: "existing", region: "", waivers: {} });
    await writeInsightFiles(capture, path.join(dir, stack), insights, {});
    const files = readdirSync(path.join(dir, stack));
    expect(files.sort()).toEqual(["graph.dot", "graph.mmd", "graph.svg", "manifests.yaml", "policy-config.json", "resources.json"]);
    for (const file of files) {
      const text = readFileSync(path.join(dir, stack, file), "utf8");
      const leaked = known.filter((secret) => text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)));
      expect(leaked.map((s) => `${s.slice(0, 6)}…`), `${stack}/${file}`).toEqual([]);
    }
  });
});
