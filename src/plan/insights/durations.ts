import { readFileSync } from "node:fs";
import type { CapturedResource } from "../capture.js";
import { isKube, isLoadBalancerService, ownsVolumes } from "../lifecycle/selectors.js";
import type { Timing } from "./critical-path.js";

interface Figure {
  type: string;
  seconds: { low: number; typical: number; high: number };
  source: string;
}

interface DurationsFile {
  compiled: string;
  aliases: Record<string, string>;
  create: Figure[];
  delete: Figure[];
}

const file = JSON.parse(readFileSync(new URL("../../../data/durations.json", import.meta.url), "utf8")) as DurationsFile;

/** When the durations file was compiled, for the report. */
export const durationsAsOf = file.compiled;

/**
 * The figure a resource is timed by: its type, or for the types whose time depends on what they are,
 * the kind that matters (a LoadBalancer Service waits for its address, a ClusterIP one does not).
 */
export function timingKey(resource: CapturedResource): string {
  if (resource.type === "pulumi-nodejs:dynamic:Resource") {
    if (resource.inputs.roleAssignmentId !== undefined) return "voting-platform:key-vault-data-plane-access";
    if (resource.inputs.tokenId !== undefined) return "voting-platform:acr-token-password";
  }
  // An interface endpoint places network interfaces in each subnet, which takes a minute or two; a gateway one is a route.
  if (resource.type === "aws:ec2/vpcEndpoint:VpcEndpoint") return `${resource.type}:${resource.inputs.vpcEndpointType === "Interface" ? "Interface" : "Gateway"}`;
  if (resource.type.startsWith("kubernetes:") && !resource.type.startsWith("kubernetes:helm.sh/")) {
    const awaited = isLoadBalancerService(resource) || ownsVolumes(resource) || isKube(resource, "Deployment") || isKube(resource, "Ingress");
    return awaited ? resource.type : "kubernetes:object";
  }
  return file.aliases[resource.type] ?? resource.type;
}

/** Seconds of a `time.Sleep`'s `createDuration` such as `120s` or `2m`. */
function sleepSeconds(duration: unknown): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(String(duration ?? ""));
  if (!match) return undefined;
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"];
}

function timingFrom(figures: Figure[]): Timing {
  const byType = new Map(figures.map((f) => [f.type, f.seconds.typical]));
  return (resource) => {
    if (resource.type === "time:index/sleep:Sleep") return sleepSeconds(resource.inputs.createDuration) ?? 0;
    return byType.get(timingKey(resource));
  };
}

/** Typical create times, from data/durations.json. */
export const createTiming: Timing = timingFrom(file.create);

const deleteFigures = timingFrom(file.delete);

/** Typical delete times, where a source gives them; a Sleep waits on create only. */
export const deleteTiming: Timing = (resource) => (resource.type === "time:index/sleep:Sleep" ? 0 : deleteFigures(resource));
