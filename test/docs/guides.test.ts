import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { renderInsights } from "../../src/plan/insights/render.js";
import { runPlan } from "../../src/plan/plan.js";
import type { PlanReport } from "../../src/plan/report.js";
import { listStacks, projectRoot, readProjectFile } from "../../src/plan/stack-config.js";
import {
  codeText,
  dollars,
  durationSeconds,
  figuresTable,
  headingAnchors,
  inlineCode,
  linkTargets,
  splitFences,
  withoutComments,
  type SplitDocument,
} from "./markdown.js";

/**
 * The workshop guides and the operations guide are instructions people type on a paid account: the
 * figures they quote must be the offline plan's, and every key, stack, script, output, object and URN
 * they name must exist. The plan runs in this process, as `npm start -- --json` runs it.
 */

const docsDir = path.join(projectRoot, "docs");
const guides = ["workshop.md", "workshop.ko.md"] as const;
const documents = [...guides, "operations.md"] as const;
const devStacks = ["dev-aks", "dev-eks"] as const;

const text = (file: string) => readFileSync(path.join(docsDir, file), "utf8");
const split = new Map<string, SplitDocument>(documents.map((file) => [file, splitFences(text(file))]));
const docOf = (file: string): SplitDocument => {
  const doc = split.get(file);
  if (!doc) throw new Error(`test setup: ${file} was not read`);
  return doc;
};

/** A plan is cold when nothing is compiled or cached yet; it then takes many times its usual seconds. */
const coldStart = 180_000;

interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  parent?: string;
}

const reports = new Map<string, PlanReport>();
const resources = new Map<string, PlannedResource[]>();

beforeAll(async () => {
  const out = mkdtempSync(path.join(tmpdir(), "docs-plan-"));
  const printed: string[] = [];
  const log = vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
    printed.push(args.map(String).join(" "));
  });
  try {
    for (const stack of devStacks) {
      printed.length = 0;
      await runPlan({ stack, all: false, config: [], json: true, destroy: false, out });
      const report = JSON.parse(printed.join("\n")) as PlanReport | null;
      if (report === null) throw new Error(`the plan of ${stack} printed no report`);
      reports.set(stack, report);
      const file = JSON.parse(readFileSync(path.join(out, stack, "resources.json"), "utf8")) as { resources: PlannedResource[] };
      resources.set(stack, file.resources);
    }
  } finally {
    log.mockRestore();
  }
}, coldStart);

afterAll(() => vi.restoreAllMocks());

function reportOf(stack: string): PlanReport {
  const report = reports.get(stack);
  if (!report) throw new Error(`no plan of ${stack}`);
  return report;
}

/** What the plan prints for a stack: the times of up and destroy, and the cost of an hour and of 4 hours. */
function printedFigures(report: PlanReport) {
  const printed = renderInsights(report);
  const field = (pattern: RegExp, what: string) => {
    const value = pattern.exec(printed)?.[1];
    if (value === undefined) throw new Error(`the plan of ${report.stack} prints no ${what}:\n${printed}`);
    return value;
  };
  return {
    up: field(/^pulumi up: about (\d+ min \d+ s)/m, "pulumi up time"),
    destroy: field(/^pulumi destroy: about (\d+ min \d+ s)/m, "pulumi destroy time"),
    hourly: field(/: \$(\d+\.\d\d) an hour, /m, "hourly cost"),
    workshop: field(/, \$(\d+\.\d\d) for a 4-hour workshop$/m, "4-hour workshop cost"),
  };
}

describe.each(guides)("the figures in %s", (guide) => {
  it.each(devStacks)("of %s are the offline plan's", (stack) => {
    const row = figuresTable(text(guide)).get(stack);
    expect(row, `${guide} has no row for ${stack} in its table of figures`).toBeDefined();
    if (!row) return;
    const report = reportOf(stack);
    const plan = printedFigures(report);

    // As the plan prints them, to the second and the cent.
    expect(durationSeconds(row.up), `${guide}, ${stack}, pulumi up`).toBe(durationSeconds(plan.up));
    expect(durationSeconds(row.destroy), `${guide}, ${stack}, pulumi destroy`).toBe(durationSeconds(plan.destroy));
    expect(dollars(row.hourly), `${guide}, ${stack}, an hour`).toBe(plan.hourly);
    expect(dollars(row.workshop), `${guide}, ${stack}, a 4-hour workshop`).toBe(plan.workshop);

    // And as the plan computes them, before rounding.
    expect(Math.abs((durationSeconds(row.up) ?? Number.NaN) - report.criticalPath.totalSeconds)).toBeLessThanOrEqual(0.5);
    expect(Math.abs((durationSeconds(row.destroy) ?? Number.NaN) - report.destroyPath.totalSeconds)).toBeLessThanOrEqual(0.5);
    expect(Math.abs(Number(dollars(row.hourly)) - report.cost.hourly)).toBeLessThanOrEqual(0.005);
    expect(Math.abs(Number(dollars(row.workshop)) - report.cost.workshop4h)).toBeLessThanOrEqual(0.005);
  });

  it("cover no stack the guides are not about", () => {
    expect([...figuresTable(text(guide)).keys()].sort()).toEqual([...devStacks]);
  });
});

/** Every match of a pattern's first group in any piece of code of the documents, with where it is. */
function namedIn(pattern: RegExp, pieces: (doc: SplitDocument, file: string) => string[]): { name: string; file: string }[] {
  return documents.flatMap((file) =>
    pieces(docOf(file), file).flatMap((piece) => [...piece.matchAll(pattern)].map((match) => ({ name: match[1] ?? "", file }))),
  );
}
const inCode = (doc: SplitDocument) => codeText(doc);
const everywhere = (_doc: SplitDocument, file: string) => [text(file)];

describe("what the guides and operations.md name", () => {
  it("as config keys, Pulumi.yaml declares", () => {
    const declared = new Set(Object.keys(readProjectFile().config ?? {}));
    const outputs = new Set([...reports.values()].flatMap((r) => Object.keys(r.outputs)));
    const keyLike = /^(?:(?:aks|eks|existing|app)[A-Z][A-Za-z0-9]*|protect|policyWaivers)$/;
    const named = [
      ...namedIn(/voting-platform:([A-Za-z][A-Za-z0-9]*)(?![A-Za-z0-9:])/g, everywhere),
      ...namedIn(/--config[ \t]+'?([A-Za-z][A-Za-z0-9]*)=/g, inCode),
      // A key in running text, in backticks; stack outputs such as appUrl look the same.
      ...documents.flatMap((file) =>
        inlineCode(docOf(file).prose)
          .filter((code) => keyLike.test(code) && !outputs.has(code))
          .map((name) => ({ name, file })),
      ),
    ];
    expect(named.length).toBeGreaterThan(30);
    expect(named.filter((n) => !declared.has(n.name))).toEqual([]);
  });

  it("as stacks, stacks/ has", () => {
    const known = new Set(listStacks());
    const stackLike = /^(?:(?:dev|prod)-[a-z0-9-]+|local)$/;
    const named = [
      ...namedIn(/--stack[ \t=]+([a-z][a-z0-9-]*)/g, inCode),
      ...namedIn(/pulumi stack (?:init|select|rm)[ \t]+(?:[^\s/]+\/)?([a-z][a-z0-9-]*)/g, inCode),
      ...namedIn(/Pulumi\.([a-z][a-z0-9-]*)\.yaml/g, everywhere),
      ...documents.flatMap((file) =>
        inlineCode(docOf(file).prose)
          .filter((code) => stackLike.test(code))
          .map((name) => ({ name, file })),
      ),
    ];
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((n) => !known.has(n.name))).toEqual([]);
  });

  it("as npm scripts, package.json has", () => {
    const scripts = new Set(Object.keys((JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts));
    const named = [...namedIn(/\bnpm run[ \t]+([\w:-]+)/g, everywhere), ...namedIn(/\bnpm (start|test)\b/g, everywhere)];
    expect(named.length).toBeGreaterThan(5);
    expect(named.filter((n) => !scripts.has(n.name))).toEqual([]);
  });

  it("as stack outputs, the dev stacks publish", () => {
    const outputs = new Set([...reports.values()].flatMap((r) => Object.keys(r.outputs)));
    const named = namedIn(/pulumi stack output[ \t]+([A-Za-z]\w*)/g, inCode);
    expect(named.map((n) => n.name)).toEqual(expect.arrayContaining(["kubeconfig", "appUrl"]));
    expect(named.filter((n) => !outputs.has(n.name))).toEqual([]);
  });

  it("as Kubernetes objects of the app, the dev stacks create", () => {
    // The plan describes each object as `Kind namespace/name`.
    const objects = new Set(
      [...reports.values()].flatMap((r) =>
        r.kubernetesObjects.map((described) => {
          const [kind = "", ref = ""] = described.split(" ");
          return `${kind} ${ref.split("/").pop() ?? ""}`;
        }),
      ),
    );
    const kinds: Record<string, string> = {
      deployment: "Deployment",
      statefulset: "StatefulSet",
      hpa: "HorizontalPodAutoscaler",
      secret: "Secret",
      secretproviderclass: "SecretProviderClass",
      serviceaccount: "ServiceAccount",
      ingress: "Ingress",
      service: "Service",
    };
    const kind = Object.keys(kinds).join("|");
    const named = documents.flatMap((file) =>
      codeText(docOf(file)).flatMap((code) => [
        ...code.matchAll(new RegExp(`\\b(${kind})/([a-z0-9][a-z0-9-]*)`, "g")),
        ...code.matchAll(new RegExp(`kubectl (?:get|describe|delete) (${kind}) ([a-z0-9][a-z0-9-]*)`, "g")),
      ]).map((match) => ({ object: `${kinds[match[1] ?? ""] ?? "?"} ${match[2] ?? ""}`, file })),
    );
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((n) => !objects.has(n.object))).toEqual([]);
  });

  it("as URNs, the plan registers, with their parents' types", () => {
    const urns = documents.flatMap((file) => [...text(file).matchAll(/urn:pulumi:[^\s'"`]+/g)].map((match) => ({ urn: match[0], file })));
    expect(urns.length).toBeGreaterThan(0);
    const real = new Set(
      [...resources.entries()].flatMap(([stack, list]) => {
        const byUrn = new Map(list.map((r) => [r.urn, r]));
        // Pulumi's URN names the type of every ancestor but the stack, joined by `$`.
        const qualified = (r: PlannedResource): string => {
          const parent = r.parent ? byUrn.get(r.parent) : undefined;
          return parent ? `${qualified(parent)}$${r.type}` : r.type;
        };
        return list.map((r) => `urn:pulumi:${stack}::voting-platform::${qualified(r)}::${r.name}`);
      }),
    );
    expect(urns.filter((u) => !real.has(u.urn))).toEqual([]);
  });
});

describe("links in the guides and operations.md", () => {
  it.each(documents)("from %s reach a file, and a heading there", (file) => {
    const broken = linkTargets(docOf(file).prose)
      .filter((target) => !/^[a-z]+:/.test(target))
      .filter((target) => {
        const [target_path = "", anchor] = target.split("#");
        const resolved = target_path === "" ? path.join(docsDir, file) : path.resolve(docsDir, target_path);
        if (!existsSync(resolved)) return true;
        return anchor !== undefined && resolved.endsWith(".md") && !headingAnchors(readFileSync(resolved, "utf8")).has(anchor);
      });
    expect(broken).toEqual([]);
  });
});

describe("the Korean workshop guide", () => {
  it("runs the same commands as the English one, comments aside", () => {
    const english = docOf("workshop.md").fences.map(withoutComments);
    const korean = docOf("workshop.ko.md").fences.map(withoutComments);
    expect(english.length).toBeGreaterThan(10);
    expect(korean).toEqual(english);
  });

  it("names the same code, resources and keys in its prose", () => {
    const spans = (file: string) => [...new Set(inlineCode(docOf(file).prose))].sort();
    expect(spans("workshop.ko.md")).toEqual(spans("workshop.md"));
  });
});
