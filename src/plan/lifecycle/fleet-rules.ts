import type { CapturedResource } from "../capture.js";
import { shortName, type DependencyGraph } from "./graph.js";
import { isKube, isLoadBalancerService } from "./selectors.js";
import type { LifecycleRule } from "./rules.js";

type Resource = CapturedResource;

export const fleetMemberType = "voting-platform:fleet:Member";

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** What one resource of a global entry names: a Front Door origin's host, a health check's host or address, a record's value. */
function named(r: Resource): string | undefined {
  if (r.type === "azure-native:cdn:AFDOrigin") return text(r.inputs.hostName);
  if (r.type === "aws:route53/healthCheck:HealthCheck") return text(r.inputs.fqdn) ?? text(r.inputs.ipAddress);
  if (r.type === "aws:route53/record:Record") return Array.isArray(r.inputs.records) ? String(r.inputs.records[0]) : undefined;
  return undefined;
}

/**
 * The member host a global entry's resource sends visitors to. A routed record names a member's own
 * record in the zone, so it reaches the member's host through that record (and must outlive neither).
 */
function entryTarget(graph: DependencyGraph, r: Resource): string | undefined {
  const target = named(r);
  const via = graph.resources.find((o) => o !== r && o.type === "aws:route53/record:Record" && o.inputs.name === target);
  return via ? named(via) : target;
}

/** The members' public endpoints, by the host each member publishes (its FleetMember's registered `host`). */
function memberEndpoints(graph: DependencyGraph, members: readonly Resource[]): Map<string, Resource[]> {
  const byHost = new Map<string, Resource[]>();
  for (const member of members) {
    const host = member.registeredOutputs?.host;
    if (typeof host !== "string") continue;
    const under = (r: Resource): boolean => {
      for (let at: Resource | undefined = r; at; at = at.parent ? graph.resource(at.parent) : undefined) if (at.urn === member.urn) return true;
      return false;
    };
    byHost.set(host, graph.resources.filter((r) => under(r) && (isLoadBalancerService(r) || isKube(r, "Ingress") || isKube(r, "Gateway"))));
  }
  return byHost;
}

/** Rules that span a fleet's members and its global entry; the others hold within each member. */
export const fleetLifecycleRules: LifecycleRule[] = [
  {
    id: "global-entry-before-member-endpoints",
    summary: "The global entry's origins, records and health checks are deleted before the member load balancers they point at",
    why:
      "A CNAME or origin left pointing at a deleted load balancer is a dangling name: Azure gives a freed DNS label (<label>.<region>.cloudapp.azure.com) to whoever asks for it next, so the fleet's host name would serve someone else's site (Azure docs, 'Prevent dangling DNS entries and avoid subdomain takeover'); and while it lasts, visitors are sent to a member that is gone",
    pairs: (graph) => {
      const members = graph.components(fleetMemberType);
      const endpoints = memberEndpoints(graph, members);
      return graph.resources.flatMap((r) => {
        const target = entryTarget(graph, r);
        if (target === undefined) return [];
        const points = endpoints.get(target);
        if (!points || points.length === 0) return [[r, `the member endpoint ${target} it points at (${shortName(r)})`] as [Resource, Resource | string]];
        return points.map((p) => [r, p] as [Resource, Resource | string]);
      });
    },
  },
  {
    id: "front-door-enabled-origins-first",
    summary: "A disabled Front Door origin is written after the enabled origins of its group, and deleted before them",
    why:
      "Front Door refuses to write an origin that would leave its group with no enabled origin ('Endpoint pools must contain at least one enabled endpoint', terraform-provider-azurerm#18333; 'Cannot disable or delete the last origin', #27652): draining one member while undraining another must enable first",
    pairs: (graph) => {
      const origins = graph.resources.filter((r) => r.type === "azure-native:cdn:AFDOrigin");
      const group = (r: Resource) => `${String(r.inputs.profileName)}/${String(r.inputs.originGroupName)}`;
      return origins
        .filter((r) => r.inputs.enabledState === "Disabled")
        .flatMap((d) => origins.filter((e) => e.inputs.enabledState !== "Disabled" && group(e) === group(d)).map((e) => [d, e] as [Resource, Resource | string]));
    },
  },
];
