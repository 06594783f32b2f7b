import { z } from "zod";
import { cidrsOverlap, parseCidr } from "../../components/cidr.js";
import { ConfigError, type ConfigProblem } from "./errors.js";
import { field } from "./fields.js";
import { isKnownRegion, latencyRegion, latencyRegionsExpected, regionsExpected } from "./fleet-regions.js";
import type { ConfigSource, Settings } from "../config.js";

export const fleetRoutings = ["failover", "latency"] as const;
export type FleetRouting = (typeof fleetRoutings)[number];

export const memberClouds = ["azure", "aws", "existing"] as const;
export type MemberCloud = (typeof memberClouds)[number];

/** The keys only a fleet stack has; none of them reaches a member. */
export const fleetKeys = ["fleetMembers", "fleetRouting", "fleetMemberStacks", "fleetDnsZone", "fleetHostname"] as const;

/** Keys the fleet sets for every member alike, or that a member's own fields give. */
const fleetWideKeys = ["cloud", "name", "environment", "protect", "policyWaivers", "azure-native:location", "aws:region", ...fleetKeys];
/** A fleet serves the app at its global entry; a member's own certificate would be for another name. */
const perMemberHttpsKeys = ["appCertificate", "appHostname", "aksCertificateKeyVaultId"];

const regionKey: Record<MemberCloud, string | undefined> = { azure: "azure-native:location", aws: "aws:region", existing: undefined };

/** One member as the stack file lists it. */
const memberSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z][a-z0-9-]{0,14}[a-z0-9]$/, { message: "expected 2-16 lowercase letters, digits or hyphens, starting with a letter" })
      // npm run fleet names the global entry's stack <fleet>-global: a member of that name would be it.
      .refine((n) => n !== "global", { message: "global is reserved for the stack of the fleet's global entry" }),
    cloud: z.enum(memberClouds, { message: `expected one of ${memberClouds.join(", ")}` }),
    region: z.string(),
    config: z.record(z.string(), z.unknown()).optional(),
    drain: z.boolean().optional(),
  })
  .strict();
type RawMember = z.output<typeof memberSchema>;

/** One cluster of the fleet, with the app on it, and its settings as if it were a stack of its own. */
export interface FleetMember {
  name: string;
  cloud: MemberCloud;
  region: string;
  /** The AWS region its Route 53 latency record names: its own, or the nearest to its Azure region. */
  latencyRegion?: string;
  /** Kept running, but out of the global entry: no visitor is sent to it. */
  drain: boolean;
  settings: Settings;
  /** Its config by full key, as a stack of its own would hold it: what `npm run fleet` gives a member's stack. */
  values: Record<string, string>;
}

/** The global entry in front of the members. */
export type GlobalEntry =
  | { kind: "front-door" }
  | { kind: "route53"; zone: string; hostname: string };

export interface FleetSettings {
  project: string;
  stack: string;
  /** The fleet's base name (`name`, or the stack's): members' resources are named `<name>-<member>`. */
  name: string;
  environment: Settings["environment"];
  tags: Record<string, string>;
  routing: FleetRouting;
  /**
   * Unset, the members are created in this stack. Set (by `npm run fleet`), each member is a stack of its
   * own, `<fleetMemberStacks>-<member>`, and this stack reads them by stack reference.
   */
  memberStacks?: string;
  /** In failover, the first member answers and the others take over in the order listed. */
  members: FleetMember[];
  entry: GlobalEntry;
}

/** A fleet's base name: room for `-<member>` within a stack's 16-character name. */
const namePattern = /^[a-z][a-z0-9-]{0,13}[a-z0-9]$/;

/** A member's explicit AWS provider takes its region and profile; other provider keys would be lost on it. */
const awsKeyExpected = "unset in a fleet: each AWS member's provider takes its region and aws:profile only";

/** Domains reserved for documentation (RFC 2606, RFC 6761): no real zone holds them. */
const documentationDomain = /(^|\.)(example(\.(com|net|org))?|test|invalid|localhost)$/;
const domainName = /^(?=.{1,253}$)([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Room below DNS's 253 characters for a member's own name, `<member>.<fleetHostname>` (a member's name is 2-16). */
const maxHostnameLength = 253 - 17;

type LoadSettings = (source: ConfigSource) => Settings;

/** What a fleet reads from the single-stack config: how to load a member, and the keys every member shares. */
export interface FleetReaders {
  loadSettings: LoadSettings;
  /** Keys (short) a fleet stack may set for all its members: the common and the app keys. */
  sharedKeys: readonly string[];
}

/**
 * Reads a fleet stack's config: its own keys, then each member as a stack of its own would be read (the
 * fleet's shared keys, the member's cloud, region and overrides), then what only the fleet can check
 * (names, address ranges, the global entry). Every problem is reported at once, keyed by where it is
 * written in the stack file, before any resource is registered.
 */
export function loadFleetSettings(source: ConfigSource, readers: FleetReaders): FleetSettings {
  const { loadSettings } = readers;
  const { project, stack } = source;
  const key = (name: string) => `${project}:${name}`;
  const raw = (name: string) => source.values[key(name)];
  const examples = new Set(source.examples ?? []);
  const problems: ConfigProblem[] = [];
  const report = (name: string, value: string | undefined, expected: string) => problems.push({ key: key(name), value, expected });
  const read = <T>(name: string, fieldOf: z.ZodType<T, string | undefined>): T | undefined => {
    const result = fieldOf.safeParse(raw(name));
    if (result.success) return result.data;
    report(name, raw(name), result.error.issues.map((i) => i.message).join("; "));
    return undefined;
  };

  const routing = read("fleetRouting", field.oneOf(fleetRoutings, { default: "failover" }));
  const memberStacks = read("fleetMemberStacks", field.optionalString("a stack name prefix such as fleet: the members' stacks are <prefix>-<member>", /^[A-Za-z0-9_.-]{1,80}$/));
  const rawMembers = read(
    "fleetMembers",
    field.json(z.array(memberSchema).min(1, { message: "needs at least one member" }).max(10, { message: "takes at most 10 members" }), {
      expected: "a list of members, each with a name, a cloud (azure, aws or existing), a region, and optionally config (the keys it sets for itself) and drain (true keeps it running but sends it no visitors)",
    }),
  );
  const shared = Object.fromEntries(Object.entries(source.values).filter(([k]) => !fleetKeys.some((f) => k === key(f))));
  for (const k of Object.keys(shared)) {
    if (k === "aws:region" || k === "azure-native:location") {
      problems.push({ key: k, value: shared[k], expected: "unset in a fleet: each member's region is its region in fleetMembers" });
      delete shared[k];
    } else if (k.startsWith("aws:") && k !== "aws:profile") {
      problems.push({ key: k, value: shared[k], expected: awsKeyExpected });
      delete shared[k];
    }
    const name = k.slice(project.length + 1);
    if (!k.startsWith(`${project}:`) || name === "cloud") continue;
    if (name === "name") {
      delete shared[k];
    } else if (!readers.sharedKeys.includes(name)) {
      report(name, shared[k], "a key the fleet shares with every member (common and app keys); a cluster's own key goes under its member's config");
      delete shared[k];
    }
  }
  for (const name of perMemberHttpsKeys) {
    if (raw(name) !== undefined) report(name, raw(name), "unset in a fleet: the app is served at the global entry, not at a member's own host name");
  }

  const base = raw("name") ?? stack;
  if (!namePattern.test(base)) report("name", raw("name"), `the fleet's base name, 2-15 lowercase letters, digits or hyphens, starting with a letter${raw("name") === undefined ? `; the stack name ${stack} is not one, so set name` : ""}`);
  const members: FleetMember[] = [];
  // A shared value wrong for every member is said once, naming the members it is wrong for.
  const sharedProblems = new Map<string, ConfigProblem & { members: string[] }>();
  (rawMembers ?? []).forEach((member, index) => {
    const at = `fleetMembers[${index}]`;
    const built = buildMember(member, { source, shared, at, project, base, loadSettings });
    problems.push(...built.problems);
    for (const p of built.sharedProblems) {
      const id = `${p.key}\u0000${p.expected}`;
      const seen = sharedProblems.get(id) ?? { ...p, members: [] };
      seen.members.push(member.name);
      sharedProblems.set(id, seen);
    }
    if (built.member) members.push(built.member);
  });
  for (const { members: names, ...p } of sharedProblems.values()) problems.push({ ...p, expected: `${p.expected} (for ${names.length === 1 ? "member" : "members"} ${names.join(", ")})` });

  const memberList = rawMembers ?? [];
  const seen = new Map<string, number>();
  memberList.forEach((m, i) => {
    const first = seen.get(m.name);
    if (first !== undefined) report(`fleetMembers[${i}].name`, m.name, `a name no other member has; fleetMembers[${first}] is ${m.name} too, and a member's name names its resources`);
    else seen.set(m.name, i);
  });
  problems.push(...overlappingRanges(members, memberList, key));

  if (memberList.length > 0 && memberList.every((m) => m.drain === true)) {
    report("fleetMembers", raw("fleetMembers"), "at least one member not drained: the global entry needs a member to send visitors to");
  }
  const serving = memberList.filter((m) => m.drain !== true);
  const allAzure = memberList.length > 0 && memberList.every((m) => m.cloud === "azure");
  let entry: GlobalEntry | undefined;
  if (allAzure) {
    for (const name of ["fleetDnsZone", "fleetHostname"]) {
      if (raw(name) !== undefined) report(name, raw(name), "unset when every member is on Azure: Azure Front Door is the entry, at its own endpoint host name");
    }
    if (routing === "failover" && memberList.length > 5) {
      report("fleetMembers", raw("fleetMembers"), `at most 5 members with fleetRouting failover behind Front Door, whose origin priorities run 1-5 (${memberList.length} are listed); use fleetRouting latency for more`);
    }
    entry = { kind: "front-door" };
  } else {
    entry = route53Entry(raw, report, examples, key);
    if (routing === "failover" && serving.length > 2) {
      report("fleetMembers", raw("fleetMembers"), `at most 2 members not drained with fleetRouting failover behind Route 53, whose failover records are one primary and one secondary (${serving.length} are listed); use fleetRouting latency for more`);
    }
    if (routing === "latency") problems.push(...latencyClashes(members, memberList, key));
  }
  if (problems.length > 0 || routing === undefined || entry === undefined || rawMembers === undefined) {
    throw new ConfigError(stack, problems);
  }
  const first = members[0] as FleetMember;
  return { project, stack, name: base, environment: first.settings.environment, tags: first.settings.tags, routing, memberStacks, members, entry };
}

interface MemberContext {
  source: ConfigSource;
  /** The fleet's base name: a member's resources are named `<base>-<member>`, so two fleets keep apart. */
  base: string;
  shared: Record<string, string>;
  at: string;
  project: string;
  loadSettings: LoadSettings;
}

/**
 * A member's config as a stack of its own would have it: the fleet's keys, the member's name, cloud and
 * region, and its own overrides, which win. Its problems are keyed where the stack file writes them.
 */
function buildMember(member: RawMember, ctx: MemberContext): { member?: FleetMember; problems: ConfigProblem[]; sharedProblems: ConfigProblem[] } {
  const { project, at } = ctx;
  const full = (k: string) => (k.includes(":") ? k : `${project}:${k}`);
  const short = (k: string) => (k.startsWith(`${project}:`) ? k.slice(project.length + 1) : k);
  const problems: ConfigProblem[] = [];
  if (`${ctx.base}-${member.name}`.length > 16) {
    problems.push({ key: full(`${at}.name`), value: member.name, expected: `a name that keeps ${ctx.base}-${member.name}, the base name of its resources, to 16 characters: shorten it or the fleet's name` });
  }
  if (!isKnownRegion(member.cloud, member.region)) {
    problems.push({ key: full(`${at}.region`), value: member.region, expected: regionsExpected(member.cloud) });
  }
  const values: Record<string, string> = {
    ...ctx.shared,
    [full("cloud")]: member.cloud,
    [full("name")]: `${ctx.base}-${member.name}`,
    // Each member keeps its own votes: its page says which member it is, so a voter knows whose counts they see.
    [full("appServedBy")]: `${member.name} (${member.region})`,
  };
  const region = regionKey[member.cloud];
  if (region) values[region] = member.region;
  const fleetTags = parseTags(ctx.shared[full("tags")]);
  for (const [k, value] of Object.entries(member.config ?? {})) {
    const name = short(k);
    if (fleetWideKeys.includes(name) || fleetWideKeys.includes(k)) {
      problems.push({ key: full(`${at}.config.${name}`), value: text(value), expected: "unset in a member's config: the fleet sets it for every member, or the member's own name, cloud and region give it" });
    } else if (perMemberHttpsKeys.includes(name)) {
      problems.push({ key: full(`${at}.config.${name}`), value: text(value), expected: "unset in a fleet: the app is served at the global entry, not at a member's own host name" });
    } else if (k.startsWith("aws:") && k !== "aws:profile") {
      problems.push({ key: full(`${at}.config.${k}`), value: text(value), expected: awsKeyExpected });
    } else if (name === "tags") {
      values[full("tags")] = JSON.stringify([...fleetTags, ...(Array.isArray(value) ? value.map(String) : [text(value)])]);
    } else {
      values[full(k)] = text(value);
    }
  }
  const memberKeys = new Set(Object.keys(member.config ?? {}).map(full));
  const examples = (ctx.source.examples ?? []).filter((e) => !memberKeys.has(full(e)));
  try {
    const settings = ctx.loadSettings({ project, stack: ctx.source.stack, values, examples });
    if (settings.platform.cloud === "existing" && settings.platform.existing.serviceType !== "LoadBalancer") {
      problems.push({
        key: full(`${at}.config.existingServiceType`),
        value: settings.platform.existing.serviceType,
        expected: "LoadBalancer in a fleet: the global entry reaches and checks each member at a public address on port 80, which a node port on a local host is not",
      });
    }
    return {
      member: { name: member.name, cloud: member.cloud, region: member.region, latencyRegion: latencyRegion(member.region), drain: member.drain ?? false, settings, values },
      problems,
      sharedProblems: [],
    };
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    const where = (k: string) =>
      k === region ? `${at}.region` : short(k) === "name" ? `${at}.name` : short(k) === "cloud" ? `${at}.cloud` : `${at}.config.${short(k)}`;
    const sharedProblems: ConfigProblem[] = [];
    for (const p of err.problems) {
      // A name too long is said once, above, with what makes it so.
      if (p.key === full("name") && problems.some((q) => q.key === full(`${at}.name`))) continue;
      const sharedValue = !memberKeys.has(p.key) && ctx.shared[p.key] !== undefined && p.key !== region;
      if (sharedValue) sharedProblems.push(p);
      else problems.push({ ...p, key: full(where(p.key)) });
    }
    return { problems, sharedProblems };
  }
}

function text(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function parseTags(raw: string | undefined): string[] {
  if (raw === undefined) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

/** The network a member's cluster lives in, and the key that sets it. */
function memberNetwork(member: FleetMember): { cidr: string; key: string } | undefined {
  const { platform } = member.settings;
  if (platform.cloud === "azure") return { cidr: platform.aks.network.vnetCidr, key: "aksVnetCidr" };
  if (platform.cloud === "aws") return { cidr: platform.eks.network.vpcCidr, key: "eksVpcCidr" };
  return undefined;
}

/**
 * Members' networks must not overlap: a fleet's networks are the ones a team peers or joins by VPN to
 * reach its clusters privately (and replication, should it come, needs), and overlapping ranges cannot
 * be routed between. Peering cannot be added later without readdressing a cluster, so it is checked now.
 */
function overlappingRanges(members: FleetMember[], raw: RawMember[], key: (name: string) => string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const networks = members.map((m) => ({ member: m, index: raw.findIndex((r) => r.name === m.name), network: memberNetwork(m) }));
  networks.forEach((a, i) => {
    for (const b of networks.slice(0, i)) {
      if (!a.network || !b.network) continue;
      const [ca, cb] = [parseCidr(a.network.cidr), parseCidr(b.network.cidr)];
      if (ca && cb && cidrsOverlap(ca, cb)) {
        problems.push({
          key: key(`fleetMembers[${a.index}].config.${a.network.key}`),
          value: a.network.cidr,
          expected: `a range apart from member ${b.member.name}'s ${b.network.key} (${b.network.cidr}): a fleet's networks must not overlap, so they can be peered`,
        });
      }
    }
  });
  return problems;
}

/**
 * Route 53 takes one latency record per AWS region for a name (ResourceRecordSet, Region), so two
 * members answering as the same region are refused, drained ones too: undraining one while draining the
 * other would create the second record before the first is deleted.
 */
function latencyClashes(members: FleetMember[], raw: RawMember[], key: (name: string) => string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const byRegion = new Map<string, string>();
  for (const m of members) {
    const at = `fleetMembers[${raw.findIndex((r) => r.name === m.name)}].region`;
    if (!m.latencyRegion) {
      problems.push({ key: key(at), value: m.region, expected: `${latencyRegionsExpected}: Route 53 latency records name an AWS region` });
      continue;
    }
    const other = byRegion.get(m.latencyRegion);
    if (other !== undefined) {
      problems.push({
        key: key(at),
        value: m.region,
        expected: `a region apart from member ${other}'s: both answer latency queries as ${m.latencyRegion}, and Route 53 takes one latency record per AWS region for a name; use fleetRouting failover, or a member in another region`,
      });
    } else byRegion.set(m.latencyRegion, m.name);
  }
  return problems;
}

function route53Entry(
  raw: (name: string) => string | undefined,
  report: (name: string, value: string | undefined, expected: string) => void,
  examples: ReadonlySet<string>,
  key: (name: string) => string,
): GlobalEntry | undefined {
  const zone = raw("fleetDnsZone");
  const hostname = raw("fleetHostname");
  const why = "Route 53 is the global entry when a member is not on Azure";
  let ok = true;
  const check = (name: string, value: string | undefined, what: string) => {
    if (value === undefined || !domainName.test(value)) {
      report(name, value, `${value === undefined ? "required; expected " : ""}${what}: ${why}`);
      ok = false;
    } else if (documentationDomain.test(value) && !examples.has(key(name))) {
      report(name, value, `a domain of yours: ${value} is reserved for documentation, and no hosted zone holds it`);
      ok = false;
    }
  };
  check("fleetDnsZone", zone, "the name of a public Route 53 hosted zone of the account, such as example.com");
  check("fleetHostname", hostname, "the host name users open, in fleetDnsZone, such as vote.example.com");
  if (ok && hostname && hostname.length > maxHostnameLength) {
    report("fleetHostname", hostname, `at most ${maxHostnameLength} characters: each member gets a name of its own below it, <member>.${hostname}, which DNS holds to 253`);
    ok = false;
  }
  if (ok && zone && hostname && !hostname.endsWith(`.${zone}`)) {
    report("fleetHostname", hostname, `a name below fleetDnsZone (${zone}), not its apex: the records are CNAMEs, which a zone's apex cannot hold`);
    ok = false;
  }
  return ok && zone && hostname ? { kind: "route53", zone, hostname } : undefined;
}
