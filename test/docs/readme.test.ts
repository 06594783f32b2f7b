import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "yaml";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { referenceEnd, referenceStart, renderConfigReference } from "../../scripts/config-reference.js";
import { parsePlanArgs } from "../../src/plan/cli-options.js";
import { runPlan } from "../../src/plan/plan.js";
import { listStacks, projectRoot, readProjectFile } from "../../src/plan/stack-config.js";
import { codeText, headingAnchors, inlineCode, linkTargets, splitFences, withoutComments } from "./markdown.js";

/**
 * README.md is what a new user follows word for word: its offline commands must run as written, and
 * every stack, key, script and file it names must exist. Its configuration reference is Pulumi.yaml's.
 */
const readmeText = readFileSync(path.join(projectRoot, "README.md"), "utf8");
const readme = splitFences(readmeText);
const pulumiYaml = readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8");
const declared = new Set(Object.keys(readProjectFile().config ?? {}));
const shellLines = readme.fences.filter((f) => f.info === "sh").flatMap((f) => withoutComments(f).split("\n"));

/** The arguments of each `npm start` in the README's shell blocks, as npm hands them to the plan. */
const planCommands = shellLines
  .flatMap((line) => line.split("&&").map((part) => part.trim()))
  .filter((command) => /^npm start\b/.test(command))
  .map((command) => command.replace(/^npm start\s*(--\s*)?/, "").split(/\s+/).filter(Boolean));

/** A cold first plan compiles everything; it takes many times its usual seconds. */
const coldStart = 180_000;
const exitCodes = new Map<string, number>();

beforeAll(async () => {
  const out = mkdtempSync(path.join(tmpdir(), "readme-plan-"));
  const quiet = [vi.spyOn(console, "log").mockImplementation(() => undefined), vi.spyOn(console, "error").mockImplementation(() => undefined)];
  try {
    for (const args of planCommands) {
      const options = parsePlanArgs(args);
      exitCodes.set(args.join(" "), await runPlan({ ...options, out }));
    }
  } finally {
    for (const spy of quiet) spy.mockRestore();
  }
}, coldStart);

describe("README.md's commands", () => {
  it("include the two set-up commands, before anything that needs a cloud", () => {
    const first = readme.fences.filter((f) => f.info === "sh").slice(0, 2).map((f) => f.body.trim());
    expect(first).toEqual(["npm ci && npm start", "npm ci && npm run setup:test && npm test"]);
    expect(shellLines.indexOf("npm ci && npm start")).toBeLessThan(shellLines.findIndex((line) => line.startsWith("pulumi ")));
  });

  it("plan offline as written, every one of them", () => {
    expect(planCommands.length).toBeGreaterThanOrEqual(4);
    expect(Object.fromEntries(exitCodes)).toEqual(Object.fromEntries(planCommands.map((args) => [args.join(" "), 0])));
  });

  it("name stacks that stacks/ has, and every stack it has", () => {
    const known = listStacks();
    const named = [
      ...shellLines.flatMap((line) => [...line.matchAll(/(?:--stack|pulumi stack (?:init|rm|select))\s+([a-z][a-z0-9-]*)/g)].map((m) => m[1])),
      ...inlineCode(readme.prose).filter((code) => known.includes(code) || /^(dev|prod)-/.test(code)),
    ];
    expect(named.filter((name) => !known.includes(name ?? ""))).toEqual([]);
    const stacksSection = readme.prose.split("## Stacks")[1]?.split("\n## ")[0] ?? "";
    const table = [...stacksSection.matchAll(/^\| `([a-z0-9-]+)` \| /gm)].map((m) => m[1]);
    expect(table.sort()).toEqual([...known].sort());
  });

  it("name config keys Pulumi.yaml declares", () => {
    const named = [
      ...codeText(readme).flatMap((code) => [...code.matchAll(/voting-platform:([A-Za-z][A-Za-z0-9]*)/g)].map((m) => m[1] ?? "")),
      ...shellLines.flatMap((line) => [...line.matchAll(/--config\s+([A-Za-z][A-Za-z0-9]*)=/g)].map((m) => m[1] ?? "")),
      ...inlineCode(readme.prose.split(referenceStart)[0] ?? "").filter((code) => /^(aks|eks|app|existing)[A-Z]\w*$/.test(code) && code !== "appUrl" && code !== "appGatewayFqdn"),
    ];
    expect(named.length).toBeGreaterThanOrEqual(6);
    expect(named.filter((key) => !declared.has(key))).toEqual([]);
  });

  it("name npm scripts package.json has", () => {
    const scripts = Object.keys((JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
    const named = [...readmeText.matchAll(/\bnpm (?:run ([\w:-]+)|(start|test)\b)/g)].map((m) => m[1] ?? m[2] ?? "");
    expect(named.filter((name) => !scripts.includes(name))).toEqual([]);
  });

  it("link to files and headings that exist", () => {
    const local = linkTargets(readme.prose).filter((target) => !/^https?:/.test(target));
    expect(local.length).toBeGreaterThan(5);
    for (const target of local) {
      const [file = "", anchor] = target.split("#");
      expect(existsSync(path.join(projectRoot, file)), target).toBe(true);
      if (anchor) expect(headingAnchors(readFileSync(path.join(projectRoot, file), "utf8")).has(anchor), target).toBe(true);
    }
  });

  it("draw the platform with the components the program has", () => {
    const diagram = readme.fences.find((f) => f.info === "mermaid")?.body ?? "";
    for (const component of ["AksCluster", "EksCluster", "ExistingCluster", "ClusterTarget", "VotingApp"]) {
      expect(diagram).toContain(component);
      const declaredIn = ["components/azure/aks-cluster.ts", "components/aws/eks-cluster.ts", "components/kubernetes/existing-cluster.ts", "components/cluster-target.ts", "apps/voting-app/voting-app.ts"];
      expect(declaredIn.some((file) => new RegExp(`export (class|interface) ${component}\\b`).test(readFileSync(path.join(projectRoot, file), "utf8")))).toBe(true);
    }
  });
});

describe("README.md's configuration reference", () => {
  it("is what npm run docs:config makes from Pulumi.yaml", () => {
    const start = readmeText.indexOf(referenceStart);
    const end = readmeText.indexOf(referenceEnd) + referenceEnd.length;
    expect(start).toBeGreaterThan(0);
    expect(readmeText.slice(start, end)).toBe(renderConfigReference(pulumiYaml));
  });

  it("has a row for each key Pulumi.yaml declares, once", () => {
    const rows = [...readmeText.matchAll(/^\| `([^`]+)` \| (?:string|integer|boolean|list of \w+|YAML value \(untyped\)) \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual(Object.keys((parse(pulumiYaml) as { config: object }).config).sort());
  });
});
