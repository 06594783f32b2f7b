import { describe, expect, it } from "vitest";
import { actionsData, input, localActions, read, workflow } from "./support/workflows.js";

/**
 * CI tests on every Node.js line in LTS, as data/github-actions.json records them (from nodejs/Release
 * schedule.json), and the deploy jobs run on one of them.
 */
const lts = actionsData.nodeLts.lines;
const asOf = actionsData.asOf;
const ci = workflow(".github/workflows/ci.yml");
const test = ci.jobs.test;

interface ReleaseLine {
  lts?: string;
  maintenance?: string;
  end: string;
  codename?: string;
}
const releaseLines = (JSON.parse(read("data/node-releases.json")) as { lines: Record<string, ReleaseLine> }).lines;

describe("the CI test matrix", () => {
  it("is the Node.js LTS lines of data/github-actions.json", () => {
    expect(test?.strategy?.matrix?.node).toEqual(lts.map((l) => l.line));
  });

  it("installs each with setup-node, npm's cache on", () => {
    const setup = test?.steps?.find((step) => step.uses?.startsWith("actions/setup-node@"));
    expect(setup?.with).toEqual({ "node-version": "${{ matrix.node }}", cache: "npm" });
  });

  it("runs what .ci/run runs, in its order, a step each", () => {
    const command = /^(npm ci && .+)$/m.exec(read(".ci/run"))?.[1] ?? "";
    expect(command).not.toBe("");
    const runSteps = (test?.steps ?? []).flatMap((step) => (step.run ? [step.run] : []));
    expect(runSteps).toEqual(command.split(" && "));
  });

  it("runs every line until it fails, so one line's failure does not hide another's", () => {
    expect(test?.strategy?.["fail-fast"]).toBe(false);
  });

  it("stays within package.json's engines", () => {
    const engines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;
    const minimum = Number(/^>=(\d+)\./.exec(engines)?.[1]);
    expect(lts.filter((l) => l.line < minimum)).toEqual([]);
  });
});

describe("the Node.js LTS lines in data/github-actions.json", () => {
  it.each(lts.map((l) => [l.line, l] as const))("%s was in LTS on the file's date, in the status it records", (_, l) => {
    expect(l.lts <= asOf, `LTS from ${l.lts}`).toBe(true);
    expect(asOf < l.end, `end of life ${l.end}`).toBe(true);
    expect(l.status).toBe(asOf < l.maintenance ? "active" : "maintenance");
  });

  it("are every line in LTS on that date, by data/node-releases.json too, with the same dates", () => {
    const inLts = Object.entries(releaseLines)
      .filter(([, line]) => line.lts !== undefined && line.lts <= asOf && asOf < line.end)
      .map(([name]) => Number(name.slice(1)))
      .sort((a, b) => a - b);
    expect(lts.map((l) => l.line)).toEqual(inLts);
    for (const l of lts) {
      const other = releaseLines[`v${l.line}`];
      expect({ lts: l.lts, maintenance: l.maintenance, end: l.end }, `v${l.line}`).toEqual({
        lts: other?.lts,
        maintenance: other?.maintenance,
        end: other?.end,
      });
    }
  });

  it("cite the release schedule they come from", () => {
    expect(actionsData.nodeLts.source).toMatch(/^https:\/\/github\.com\/nodejs\/Release\/blob\/[0-9a-f]{40}\/schedule\.json$/);
    expect(read(".github/workflows/ci.yml")).toContain("nodejs/Release schedule.json");
  });

  it("have none past its end of life today: move the matrix and the file on when one goes", () => {
    const today = new Date().toISOString().slice(0, 10);
    expect(lts.filter((l) => l.end <= today).map((l) => `${l.line} (end of life ${l.end})`)).toEqual([]);
  });
});

describe("the deploy jobs' Node.js", () => {
  it("is one of the LTS lines", () => {
    const setup = localActions.get("./.github/actions/setup-deploy")?.runs.steps.find((step) => step.uses?.startsWith("actions/setup-node@"));
    expect(lts.map((l) => String(l.line))).toContain(input(setup ?? {}, "node-version"));
    expect(input(setup ?? {}, "cache")).toBe("npm");
  });
});
