import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";

/** What the program needs to know about a kubeconfig: its contexts and the clusters they point at. */
export interface KubeconfigSummary {
  currentContext?: string;
  contexts: { name: string; cluster: string }[];
  clusters: { name: string; server: string }[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function namedEntries(list: unknown, field: string): { name: string; body: Record<string, unknown> }[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    if (!isRecord(entry) || typeof entry.name !== "string") return [];
    return [{ name: entry.name, body: isRecord(entry[field]) ? entry[field] : {} }];
  });
}

/** Reads a kubeconfig document; undefined when it is not YAML with at least one context. */
export function parseKubeconfig(text: string): KubeconfigSummary | undefined {
  let document: unknown;
  try {
    document = parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(document)) return undefined;
  const contexts = namedEntries(document.contexts, "context").map(({ name, body }) => ({
    name,
    cluster: typeof body.cluster === "string" ? body.cluster : "",
  }));
  if (contexts.length === 0) return undefined;
  const clusters = namedEntries(document.clusters, "cluster").map(({ name, body }) => ({
    name,
    server: typeof body.server === "string" ? body.server : "",
  }));
  const current = document["current-context"];
  return { currentContext: typeof current === "string" && current !== "" ? current : undefined, contexts, clusters };
}

/** Where a kubeconfig file path came from, for error messages. */
export type KubeconfigOrigin = "config" | "KUBECONFIG" | "default";

/**
 * The kubeconfig file to read, as kubectl finds it: the configured path, else the first file of
 * `$KUBECONFIG` that exists (its first entry if none does), else `~/.kube/config`. A leading `~/`
 * is expanded, since a stack file cannot rely on a shell to do it.
 */
export function kubeconfigPath(
  configured: string | undefined,
  env: Record<string, string | undefined>,
  home: string,
  exists: (file: string) => boolean = existsSync,
): { path: string; origin: KubeconfigOrigin } {
  const expand = (file: string) => (file === "~" || file.startsWith("~/") ? path.join(home, file.slice(1)) : file);
  if (configured !== undefined) return { path: expand(configured), origin: "config" };
  const listed = (env.KUBECONFIG ?? "").split(path.delimiter).filter((entry) => entry !== "").map(expand);
  const [first] = listed;
  if (first !== undefined) return { path: listed.find((file) => exists(file)) ?? first, origin: "KUBECONFIG" };
  return { path: path.join(home, ".kube", "config"), origin: "default" };
}

/** A kubeconfig ready for a provider: the document, the context to use and the cluster behind it. */
export interface ResolvedKubeconfig {
  kubeconfig: string;
  context?: string;
  /** The cluster's name in the kubeconfig; `kubeconfig` when the document could not be read. */
  clusterName: string;
  /** The cluster's name and API server, which change only when the cluster itself does. */
  clusterIdentifier?: string;
}

/** Why a kubeconfig cannot be used, against the setting at fault. */
export interface KubeconfigProblem {
  setting: "kubeconfig" | "kubeconfigPath" | "context";
  value?: string;
  expected: string;
}

export interface KubeconfigRequest {
  /** A kubeconfig document given inline. */
  kubeconfig?: string;
  /** A kubeconfig file; see `kubeconfigPath` for the fallbacks. */
  path?: string;
  context?: string;
}

export interface KubeconfigEnvironment {
  env: Record<string, string | undefined>;
  home: string;
}

/**
 * Finds, reads and checks a kubeconfig. A file must exist and hold the context asked for, so that a
 * typo fails with its name before anything is deployed. An inline document is usually a secret the
 * offline plan cannot decrypt, so it is checked only where it can be read, and otherwise handed to the
 * provider as it is.
 */
export function resolveKubeconfig(request: KubeconfigRequest, environment: KubeconfigEnvironment): ResolvedKubeconfig | KubeconfigProblem {
  if (request.kubeconfig !== undefined) {
    const summary = parseKubeconfig(request.kubeconfig);
    if (summary === undefined) {
      return { kubeconfig: request.kubeconfig, context: request.context, clusterName: request.context ?? "kubeconfig" };
    }
    return withContext(request.kubeconfig, summary, request.context, "the inline kubeconfig");
  }
  const { path: file, origin } = kubeconfigPath(request.path, environment.env, environment.home);
  const from = { config: "", KUBECONFIG: " (from $KUBECONFIG)", default: " (the default location)" }[origin];
  if (!existsSync(file)) {
    return {
      setting: "kubeconfigPath",
      value: request.path,
      expected: `a kubeconfig file that exists; ${file}${from} does not. Point existingKubeconfigPath at one, or set existingKubeconfig with --secret`,
    };
  }
  const text = readFileSync(file, "utf8");
  const summary = parseKubeconfig(text);
  if (summary === undefined) {
    return { setting: "kubeconfigPath", value: request.path, expected: `a kubeconfig file with at least one context; ${file}${from} is not one` };
  }
  return withContext(text, summary, request.context, file);
}

function withContext(kubeconfig: string, summary: KubeconfigSummary, requested: string | undefined, source: string): ResolvedKubeconfig | KubeconfigProblem {
  const name = requested ?? summary.currentContext;
  const context = summary.contexts.find((c) => c.name === name);
  if (context === undefined) {
    const names = summary.contexts.map((c) => c.name).join(", ");
    const expected = requested === undefined ? `a context name: ${source} sets no current-context; its contexts are ${names}` : `one of the contexts in ${source}: ${names}`;
    return { setting: "context", value: requested, expected };
  }
  const server = summary.clusters.find((c) => c.name === context.cluster)?.server;
  return {
    kubeconfig,
    context: requested,
    clusterName: context.cluster || context.name,
    clusterIdentifier: server ? `${context.cluster}@${server}` : undefined,
  };
}

export function isKubeconfigProblem(result: ResolvedKubeconfig | KubeconfigProblem): result is KubeconfigProblem {
  return "setting" in result;
}
