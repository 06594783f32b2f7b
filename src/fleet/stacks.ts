import type { FleetSettings } from "../config/fleet.js";
import { policyPackConfig } from "../plan/insights/policy.js";
import type { ConfigEntry, FleetStacks } from "./orchestrate.js";

/** The member stacks' names, and the global stack's, for a fleet stack. */
function fleetStackNames(fleet: Pick<FleetSettings, "stack" | "members">): { members: string[]; global: string } {
  return { members: fleet.members.map((m) => `${fleet.stack}-${m.name}`), global: `${fleet.stack}-global` };
}

const plain = (values: Record<string, string>, secretKeys: readonly string[]): Record<string, ConfigEntry> =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, secretKeys.includes(key) ? { value, secret: true } : { value }]));

/**
 * The fleet's stacks: each member's with the config it has in the fleet (the fleet's shared keys, its
 * cloud, region and overrides), and the global stack with the fleet's own config, told to read the
 * members from their stacks (`fleetMemberStacks`) instead of creating them. The fleet's policy waivers
 * hold for each.
 */
export function fleetStacks(fleet: FleetSettings, fleetValues: Record<string, string>, secretKeys: readonly string[] = []): FleetStacks {
  const names = fleetStackNames(fleet);
  const policyConfig = policyPackConfig(fleet.members[0]?.settings.policyWaivers ?? {});
  return {
    members: fleet.members.map((member, i) => ({ name: names.members[i] as string, config: plain(member.values, secretKeys), policyConfig })),
    // The global stack keeps the fleet's name, so that the members it validates are named as their stacks are.
    global: {
      name: names.global,
      config: plain({ ...fleetValues, [`${fleet.project}:name`]: fleet.name, [`${fleet.project}:fleetMemberStacks`]: fleet.stack }, secretKeys),
      policyConfig,
    },
  };
}
