import type * as pulumi from "@pulumi/pulumi";
import type { FleetSettings } from "../config/fleet.js";
import type { MemberEndpoint } from "./members.js";

/** The global entry as the outputs see it. */
export interface GlobalEntryInfo {
  kind: "front-door" | "route53";
  url: pulumi.Output<string>;
}

/**
 * Azure Front Door when every member is on Azure, otherwise Route 53 in the configured zone. The entry
 * depends on every member's app endpoint, so it is created after them and deleted before them.
 */
export async function createGlobalEntry(fleet: FleetSettings, members: MemberEndpoint[]): Promise<GlobalEntryInfo> {
  const { entry } = fleet;
  const base = fleet.name;
  if (entry.kind === "front-door") {
    const { FrontDoorEntry } = await import("../../components/azure/front-door.js");
    const frontDoor = new FrontDoorEntry("global", {
      baseName: base,
      location: members[0]?.settings.region ?? "westeurope",
      routing: fleet.routing,
      origins: members.map((m) => ({ name: m.settings.name, host: m.host, drain: m.settings.drain })),
      tags: fleet.tags,
    });
    return { kind: entry.kind, url: frontDoor.url };
  }
  const [{ Route53Entry }, { Provider }] = await Promise.all([import("../../components/aws/route53-entry.js"), import("@pulumi/aws/provider.js")]);
  // Route 53 is global; its API is served from us-east-1, with the first AWS member's profile if it has one.
  const firstAws = fleet.members.map((m) => m.settings.platform).find((p) => p.cloud === "aws");
  const provider = new Provider("global-aws", { region: "us-east-1", profile: firstAws?.cloud === "aws" ? firstAws.eks.profile : undefined });
  const route53 = new Route53Entry(
    "global",
    {
      zoneName: entry.zone,
      hostname: entry.hostname,
      routing: fleet.routing,
      origins: members.map((m) => ({ name: m.settings.name, host: m.host, drain: m.settings.drain, latencyRegion: m.settings.latencyRegion ?? m.settings.region })),
      tags: fleet.tags,
    },
    { providers: [provider] },
  );
  return { kind: entry.kind, url: route53.url };
}
