import * as pulumi from "@pulumi/pulumi";
import type { FleetSettings } from "../config/fleet.js";
import { createGlobalEntry } from "./entry.js";
import { createMembers, referenceMembers } from "./members.js";

/**
 * A fleet: every member (its platform and the same Voting App), then one global entry with health checks
 * in front of them. The members are created here, or read from their own stacks when
 * `fleetMemberStacks` names them. Outputs: the global `appUrl`, each member's URL, and each member's
 * kubeconfig as one secret.
 */
export async function fleetProgram(fleet: FleetSettings) {
  const members = fleet.memberStacks ? referenceMembers(fleet, fleet.memberStacks) : await createMembers(fleet);
  const entry = await createGlobalEntry(fleet, members);
  const byName = <T>(pick: (m: (typeof members)[number]) => pulumi.Output<T>) =>
    pulumi.all(Object.fromEntries(members.map((m) => [m.settings.name, pick(m)]))) as pulumi.Output<Record<string, T>>;
  if (fleet.environment === "prod" && entry.kind === "route53") {
    await pulumi.log.warn("the Route 53 entry serves the app over plain HTTP at fleetHostname: the members' load balancers answer for it directly");
  }
  return {
    cloud: "fleet",
    environment: fleet.environment,
    fleetRouting: fleet.routing,
    globalEntry: entry.kind,
    members: fleet.members.map((m) => ({ name: m.name, cloud: m.cloud, region: m.region })),
    appUrl: entry.url,
    memberUrls: byName((m) => m.url),
    memberKubeconfigs: pulumi.secret(byName((m) => m.kubeconfig)),
  };
}
