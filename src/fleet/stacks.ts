import type { FleetSettings } from "../config/fleet.js";
import type { ConfigEntry, FleetStacks } from "./orchestrate.js";

/** The member stacks' prefix, and the global stack's name, for a fleet stack. */
export function fleetStackNames(fleet: Pick<FleetSettings, "stack" | "members">): { members: string[]; global: string } {
  return { members: fleet.members.map((m) => `${fleet.stack}-${m.name}`), global: `${fleet.stack}-global` };
}

const plain = (values: Record<string, string>, secretKeys: readonly string[]): Record<string, ConfigEntry> =>
  Object.fromEntries(Object.entries(values).map(([key, value]) => [key, secretKeys.includes(key) ? { value, secret: true } : { value }]));

/**
 * The fleet's stacks: each member's with the config it has in the fleet (the fleet's shared keys, its
 * cloud, region and overrides), and the global stack with the fleet's own config, told to read the
 * members from their stacks (`fleetMemberStacks`) instead of creating them.
 */
export function fleetStacks(fleet: FleetSettings, fleetValues: Record<string, string>, secretKeys: readonly string[] = []): FleetStacks {
  const names = fleetStackNames(fleet);
  return {
    members: fleet.members.map((member, i) => ({ name: names.members[i] as string, member: member.name, config: plain(member.values, secretKeys) })),
    global: { name: names.global, config: plain({ ...fleetValues, [`${fleet.project}:fleetMemberStacks`]: fleet.stack }, secretKeys) },
  };
}
