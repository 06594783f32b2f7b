import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import type { Capture } from "./capture.js";
import type { Insights } from "./insights/index.js";
import { renderInsights } from "./insights/render.js";
import { analyzeLifecycle, describeLifecycle, renderWaves, type Lifecycle } from "./lifecycle/index.js";
import { describeObject, kubernetesObjects, type KubeObject } from "./manifests.js";
import { maskOutputs, maskResource, secretMask } from "./mask.js";
import type { OfflineExample } from "./offline-examples.js";
import { formatViolations, validateObjects, type Violation } from "./validate/index.js";
import { countByType, renderTree } from "./tree.js";

/** What the plan found for one stack. */
export interface PlanReport {
  stack: string;
  resourceCount: number;
  countsByType: Record<string, number>;
  outputs: Record<string, unknown>;
  kubernetesObjects: string[];
  /** Objects that break the Kubernetes schema or our rules; the plan fails when there are any. */
  violations: Violation[];
  /** Values the plan stood in for what `pulumi up` needs from the user, each labelled. */
  examples: { key: string; value: string; label: string }[];
  /** The create and destroy order, and the lifecycle rules it breaks; the plan fails when it breaks any. */
  lifecycle: Lifecycle;
  /** How long `pulumi up` takes: the chain of resources that wait on each other. */
  criticalPath: Insights["criticalPath"];
  /** How long `pulumi destroy` takes, the same way. */
  destroyPath: Insights["destroyPath"];
  cost: Insights["cost"];
  /** The policy pack's findings; the plan fails on any that no waiver covers. */
  policy: Insights["policy"];
  /** A fleet's members and global entry, each on its own. */
  fleet?: Insights["fleet"];
  files: string[];
}

/** Kubernetes objects with secret values masked, as they are written to manifests.yaml. */
function maskedObjects(capture: Capture): KubeObject[] {
  return kubernetesObjects({ ...capture, resources: capture.resources.map(maskResource) });
}

/** Writes resources.json and manifests.yaml under `outDir/<stack>/`; secrets are masked. */
export function writePlanFiles(capture: Capture, outDir: string): string[] {
  const dir = path.join(outDir, capture.stack);
  mkdirSync(dir, { recursive: true });
  const files = {
    "resources.json": JSON.stringify(
      { stack: capture.stack, resources: capture.resources.map(maskResource), outputs: maskOutputs(capture.outputs) },
      null,
      2,
    ),
    "manifests.yaml": maskedObjects(capture)
      .map((object) => stringify(object, { lineWidth: 0 }))
      .join("---\n"),
  };
  return Object.entries(files).map(([name, content]) => {
    const file = path.join(dir, name);
    writeFileSync(file, content);
    return path.relative(process.cwd(), file);
  });
}

export function buildReport(capture: Capture, files: string[], examples: readonly OfflineExample[], insights: Insights): PlanReport {
  return {
    stack: capture.stack,
    // A kubeconfig is a credential in general: the plan names it, and shows no value.
    examples: examples.map((e) => ({ ...e, value: e.key.endsWith(":existingKubeconfig") ? secretMask : e.value })),
    resourceCount: capture.resources.length,
    countsByType: Object.fromEntries(countByType(capture)),
    outputs: maskOutputs(capture.outputs),
    kubernetesObjects: kubernetesObjects(capture).map(describeObject),
    violations: validateObjects(kubernetesObjects(capture)),
    lifecycle: analyzeLifecycle(capture),
    criticalPath: insights.criticalPath,
    destroyPath: insights.destroyPath,
    cost: insights.cost,
    policy: insights.policy,
    ...(insights.fleet ? { fleet: insights.fleet } : {}),
    files,
  };
}

/** The human-readable plan: the tree, counts by type, stack outputs, and where the files went. */
export function renderReport(capture: Capture, report: PlanReport): string {
  const counts = countByType(capture);
  const width = String(report.resourceCount).length;
  const outputs = Object.entries(report.outputs).map(([key, value]) => `    ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`);
  return [
    `Offline plan of stack ${capture.stack}: what \`pulumi up\` would create`,
    "",
    renderTree(capture),
    "",
    "Resources by type:",
    ...counts.map(([type, n]) => `    ${String(n).padStart(width)}  ${type}`),
    `    ${String(report.resourceCount).padStart(width)}  in total`,
    "",
    "Outputs:",
    ...(outputs.length > 0 ? outputs : ["    (none)"]),
    "",
    ...(report.examples.length > 0
      ? [
          "Example values, for this plan only (the stack file leaves them to you, and pulumi up stops until you set them):",
          ...report.examples.map((e) => `    ${e.key} = ${e.value.includes("\n") ? "(a kubeconfig)" : e.value}: ${e.label}`),
          "",
        ]
      : []),
    report.violations.length === 0
      ? `Kubernetes objects: ${report.kubernetesObjects.length}, all valid against the Kubernetes schema and our rules`
      : `Kubernetes objects: ${report.kubernetesObjects.length}, ${report.violations.length} violation(s):\n${formatViolations(report.violations)}`,
    describeLifecycle(report.lifecycle),
    "",
    renderInsights(report),
    "",
    `Files: ${report.files.join(", ")}`,
  ].join("\n");
}

/** What `--destroy` prints: the order `pulumi destroy` deletes the stack in, wave by wave. */
export function renderDestroyOrder(capture: Capture, report: PlanReport): string {
  return [
    `Destroy order of stack ${capture.stack}: what \`pulumi destroy\` deletes, wave by wave (each wave once the one before is gone)`,
    "",
    renderWaves(capture, report.lifecycle.destroyWaves),
    "",
    describeLifecycle(report.lifecycle),
  ].join("\n");
}
