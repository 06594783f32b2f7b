import { describe, expect, it } from "vitest";
import { actionsData, allSteps, input, localActions, read, remoteAction, type Step } from "./support/workflows.js";

/**
 * Every action is pinned to the release recorded in data/github-actions.json, and is given only inputs
 * its action.yml declares at that release: an input an action does not declare is ignored with a
 * warning, so a misspelt or retired one would silently change nothing.
 */
const steps = allSteps();
const usesSteps = steps.filter((s): s is { where: string; step: Step & { uses: string } } => s.step.uses !== undefined);
const remote = usesSteps.flatMap(({ where, step }) => {
  const parsed = remoteAction(step.uses);
  return parsed ? [{ where, step, ...parsed }] : [];
});
const recorded = new Map(Object.entries(actionsData.actions).map(([name, record]) => [name.toLowerCase(), record]));

/** What is wrong with a remote step's inputs: keys its action does not declare, and required ones left out. */
function inputProblems(step: Step & { uses: string }): string[] {
  const record = recorded.get(remoteAction(step.uses)?.action ?? "");
  if (!record) return [`${step.uses} is not in data/github-actions.json`];
  const given = Object.keys(step.with ?? {});
  return [
    ...given.filter((key) => !record.inputs.includes(key)).map((key) => `undeclared input ${key}`),
    ...record.required.filter((key) => !given.includes(key)).map((key) => `missing required input ${key}`),
  ];
}

describe("the actions the workflows use", () => {
  it("are all recorded in data/github-actions.json, and every recorded one is used", () => {
    const used = [...new Set(remote.map((r) => r.action))].sort();
    expect(used).toEqual([...recorded.keys()].sort());
  });

  it.each(remote.map((r) => [`${r.where}: ${r.step.uses}`, r] as const))("%s is pinned to the recorded release", (_, r) => {
    const record = recorded.get(r.action);
    expect(record, `${r.action} is not in data/github-actions.json`).toBeDefined();
    expect(r.ref, `${r.action} must be pinned to ${record?.version}`).toBe(record?.version);
  });

  it.each(remote.map((r) => [`${r.where}: ${r.step.uses}`, r] as const))("%s is given only inputs it declares, and all it requires", (_, r) => {
    expect(inputProblems(r.step)).toEqual([]);
  });

  it("would be caught with an input its action does not declare, or without one it requires", () => {
    expect(inputProblems({ uses: "actions/checkout@v7.0.1", with: { fetch_depth: 1 } })).toEqual(["undeclared input fetch_depth"]);
    expect(inputProblems({ uses: "aws-actions/configure-aws-credentials@v6.2.3", with: { "role-to-assume": "arn" } })).toEqual([
      "missing required input aws-region",
    ]);
  });

  it.each(usesSteps.filter(({ step }) => step.uses.startsWith("./")).map((s) => [`${s.where}: ${s.step.uses}`, s] as const))(
    "%s is a local action, given only inputs it declares and all it requires",
    (_, { step }) => {
      const action = localActions.get(step.uses);
      expect(action, `${step.uses}/action.yml is missing`).toBeDefined();
      const declared = Object.entries(action?.inputs ?? {});
      const given = Object.keys(step.with ?? {});
      expect(given.filter((key) => !declared.some(([name]) => name === key))).toEqual([]);
      const required = declared.filter(([, spec]) => spec.required === true && spec.default === undefined).map(([name]) => name);
      expect(required.filter((key) => !given.includes(key))).toEqual([]);
    },
  );

  it("use no action by a moving ref: no branch, no major-only tag, no docker image", () => {
    const loose = usesSteps.filter(({ step }) => !step.uses.startsWith("./") && !/@v\d+\.\d+\.\d+$/.test(step.uses));
    expect(loose.map(({ where, step }) => `${where}: ${step.uses}`)).toEqual([]);
  });
});

describe("data/github-actions.json", () => {
  it("is dated and says where its facts come from", () => {
    expect(actionsData.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(actionsData.asOf <= new Date().toISOString().slice(0, 10)).toBe(true);
    expect(actionsData.source.length).toBeGreaterThan(40);
  });

  it.each(Object.entries(actionsData.actions))("records %s with its release tag, commit, date and action.yml at that tag", (name, record) => {
    expect(record.version).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(record.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(record.released).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(record.released <= actionsData.asOf).toBe(true);
    // GitHub matches owner and repository names case-insensitively (Azure/login is azure/login).
    expect(record.source.toLowerCase()).toBe(`https://github.com/${name}/blob/${record.version}/action.yml`.toLowerCase());
    expect(record.inputs.length).toBeGreaterThan(0);
    expect(new Set(record.inputs).size).toBe(record.inputs.length);
    expect(record.required.filter((key) => !record.inputs.includes(key))).toEqual([]);
  });

  it("records only actions on the node24 runtime, since GitHub retires node20 from its runners", () => {
    expect(Object.entries(actionsData.actions).filter(([, r]) => r.runtime !== "node24").map(([name]) => name)).toEqual([]);
  });
});

describe("the Pulumi CLI the workflows install", () => {
  const sdk = (JSON.parse(read("package.json")) as { dependencies: Record<string, string> }).dependencies["@pulumi/pulumi"];
  const pulumiSteps = remote.filter((r) => r.action === "pulumi/actions");

  it("is pinned in every pulumi/actions step", () => {
    expect(pulumiSteps.length).toBeGreaterThan(0);
    expect(pulumiSteps.filter((r) => input(r.step, "pulumi-version") === undefined).map((r) => r.where)).toEqual([]);
  });

  it("is the release of the Node.js SDK in package.json, which the CLI and the SDK share", () => {
    expect(sdk).toMatch(/^\d+\.\d+\.\d+$/);
    const versions = new Set(pulumiSteps.map((r) => input(r.step, "pulumi-version")));
    expect([...versions], "move pulumi-version in .github/workflows with @pulumi/pulumi").toEqual([sdk]);
  });
});
