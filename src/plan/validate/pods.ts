import type { KubeObject } from "../manifests.js";

/** A plain JSON object from a manifest. */
export type Json = Record<string, unknown>;

export function record(value: unknown): Json {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Json) : {};
}

export function list(value: unknown): Json[] {
  return Array.isArray(value) ? value.map(record) : [];
}

export function stringMap(value: unknown): Record<string, string> {
  return Object.fromEntries(Object.entries(record(value)).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
}

/** The namespace an object lives in; objects without one go to `default`, as the API server puts them. */
export function namespaceOf(object: KubeObject): string {
  return object.metadata.namespace ?? "default";
}

/** The pods an object runs, as its pod template describes them. */
export interface PodTemplate {
  owner: KubeObject;
  namespace: string;
  labels: Record<string, string>;
  spec: Json;
  /** Long-running pods need probes; Jobs run to completion. */
  longRunning: boolean;
}

/** Where each workload kind keeps its pod template. */
const templatePaths: Record<string, { path: string[]; longRunning: boolean }> = {
  Deployment: { path: ["spec", "template"], longRunning: true },
  StatefulSet: { path: ["spec", "template"], longRunning: true },
  DaemonSet: { path: ["spec", "template"], longRunning: true },
  ReplicaSet: { path: ["spec", "template"], longRunning: true },
  Job: { path: ["spec", "template"], longRunning: false },
  CronJob: { path: ["spec", "jobTemplate", "spec", "template"], longRunning: false },
};

export function podTemplate(object: KubeObject): PodTemplate | undefined {
  if (object.kind === "Pod") {
    return { owner: object, namespace: namespaceOf(object), labels: stringMap(object.metadata.labels), spec: record(object.spec), longRunning: true };
  }
  const where = templatePaths[object.kind];
  if (!where) return undefined;
  const template = where.path.reduce<Json>((node, key) => record(node[key]), object as Json);
  return {
    owner: object,
    namespace: namespaceOf(object),
    labels: stringMap(record(template.metadata).labels),
    spec: record(template.spec),
    longRunning: where.longRunning,
  };
}

export function podTemplates(objects: readonly KubeObject[]): PodTemplate[] {
  return objects.map(podTemplate).filter((t): t is PodTemplate => t !== undefined);
}

/** The containers of a pod, init containers included, each with which list it came from. */
export function containers(spec: Json): { container: Json; init: boolean }[] {
  return [...list(spec.initContainers).map((container) => ({ container, init: true })), ...list(spec.containers).map((container) => ({ container, init: false }))];
}

/**
 * Whether a label selector matches a set of labels: a metav1.LabelSelector (matchLabels and
 * matchExpressions), or a plain map as Services use. An empty selector matches everything.
 */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  const sel = record(selector);
  const isLabelSelector = "matchLabels" in sel || "matchExpressions" in sel;
  const matchLabels = isLabelSelector ? stringMap(sel.matchLabels) : stringMap(sel);
  if (!Object.entries(matchLabels).every(([key, value]) => labels[key] === value)) return false;
  if (!isLabelSelector) return true;
  return list(sel.matchExpressions).every((expression) => {
    const key = String(expression.key);
    const values = Array.isArray(expression.values) ? expression.values.map(String) : [];
    const has = key in labels;
    switch (expression.operator) {
      case "In":
        return has && values.includes(labels[key] ?? "");
      case "NotIn":
        return !has || !values.includes(labels[key] ?? "");
      case "Exists":
        return has;
      case "DoesNotExist":
        return !has;
      default:
        return false;
    }
  });
}

/** A selector with nothing in it selects every pod; for NetworkPolicies that is the point. */
export function isEmptySelector(selector: unknown): boolean {
  const sel = record(selector);
  return Object.keys(stringMap(sel.matchLabels)).length === 0 && list(sel.matchExpressions).length === 0;
}

/** The repository part of an image reference, without registry, tag or digest: `redis` for `docker.io/library/redis:7`. */
export function imageRepository(image: string): string {
  const withoutDigest = image.split("@")[0] ?? "";
  const lastSlash = withoutDigest.lastIndexOf("/");
  const colon = withoutDigest.lastIndexOf(":");
  const name = colon > lastSlash ? withoutDigest.slice(0, colon) : withoutDigest;
  return name.slice(name.lastIndexOf("/") + 1);
}
