import { describe, expect, it } from "vitest";
import { ConfigError, loadStackSettings, type FleetSettings } from "../../src/config.js";
import { readFileSync } from "node:fs";
import { attemptStack } from "../../src/plan/capture.js";

const project = "voting-platform";
const key = (name: string) => `${project}:${name}`;

interface Member {
  name: string;
  cloud: string;
  region: string;
  config?: Record<string, unknown>;
}

const seoul: Member = { name: "seoul", cloud: "azure", region: "koreacentral" };
const tokyo: Member = { name: "tokyo", cloud: "aws", region: "ap-northeast-1", config: { eksPublicAccessCidrs: ["0.0.0.0/0"] } };
/** An AKS network moved whole to 10.<n>.0.0/16: the VNet and every subnet in it. */
const aksNetwork = (n: number) => ({
  aksVnetCidr: `10.${n}.0.0/16`,
  aksNodeSubnetCidr: `10.${n}.0.0/20`,
  aksVirtualNodesSubnetCidr: `10.${n}.16.0/24`,
  aksPrivateEndpointSubnetCidr: `10.${n}.17.0/24`,
  aksAppGatewaySubnetCidr: `10.${n}.18.0/24`,
});
const busan: Member = { name: "busan", cloud: "azure", region: "koreasouth", config: aksNetwork(30) };
const zone = { fleetDnsZone: "contoso.org", fleetHostname: "vote.contoso.org" };

function values(members: Member[], extra: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries({ cloud: "fleet", environment: "dev", fleetMembers: JSON.stringify(members), ...extra }).map(([k, v]) => [k.includes(":") ? k : key(k), v]),
  );
}

function load(members: Member[], extra: Record<string, string> = {}, examples: string[] = []): FleetSettings {
  const loaded = loadStackSettings({ project, stack: "fleet", values: values(members, extra), examples });
  if (loaded.kind !== "fleet") throw new Error("not a fleet");
  return loaded.fleet;
}

function problems(members: Member[], extra: Record<string, string> = {}): { key: string; value: string | undefined; expected: string }[] {
  try {
    load(members, extra);
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  throw new Error("the config was accepted");
}

describe("a fleet's config", () => {
  it("reads each member as a stack of its own would be read, with its name, cloud, region and overrides", () => {
    const fleet = load([seoul, tokyo], { ...zone, tags: JSON.stringify(["team=vote"]) });
    const [a, b] = fleet.members;
    expect(a?.settings.platform.cloud === "azure" && a.settings.platform.aks.location).toBe("koreacentral");
    expect(b?.settings.platform.cloud === "aws" && b.settings.platform.eks.region).toBe("ap-northeast-1");
    // Named after the fleet and the member, so two fleets' members keep apart.
    expect([a?.settings.name, b?.settings.name]).toEqual(["fleet-seoul", "fleet-tokyo"]);
    expect(a?.settings.app.servedBy).toBe("seoul (koreacentral)");
    expect(a?.settings.tags).toEqual({ team: "vote" });
    expect(fleet.entry).toEqual({ kind: "route53", zone: "contoso.org", hostname: "vote.contoso.org" });
    expect(fleet.routing).toBe("failover");
  });

  it("puts Front Door in front of a fleet all on Azure, and Route 53 in front of any other", () => {
    expect(load([seoul, busan]).entry).toEqual({ kind: "front-door" });
    expect(load([seoul, tokyo], zone).entry.kind).toBe("route53");
  });

  it("answers Route 53 latency queries for an Azure member as its nearest AWS region", () => {
    const fleet = load([seoul, tokyo], { ...zone, fleetRouting: "latency" });
    expect(fleet.members.map((m) => m.latencyRegion)).toEqual(["ap-northeast-2", "ap-northeast-1"]);
  });

  it("names duplicate members, an unknown cloud and unknown regions", () => {
    expect(problems([seoul, { ...busan, name: "seoul" }])).toContainEqual({
      key: key("fleetMembers[1].name"),
      value: "seoul",
      expected: expect.stringContaining("fleetMembers[0] is seoul too"),
    });
    expect(problems([seoul, { name: "x1", cloud: "gcp", region: "asia-northeast3" }])).toContainEqual(
      expect.objectContaining({ key: key("fleetMembers"), expected: expect.stringContaining("[1].cloud: expected one of azure, aws, existing") }),
    );
    expect(problems([{ ...seoul, region: "koreanorth" }])).toContainEqual({ key: key("fleetMembers[0].region"), value: "koreanorth", expected: expect.stringContaining("data/azure-regions.json") });
    expect(problems([seoul, { ...tokyo, region: "ap-northeast-9" }], zone)).toContainEqual({
      key: key("fleetMembers[1].region"),
      value: "ap-northeast-9",
      expected: expect.stringContaining("an AWS region the provider knows"),
    });
  });

  it("refuses members whose networks overlap, naming both ranges", () => {
    expect(problems([seoul, { ...busan, config: {} }])).toEqual([
      {
        key: key("fleetMembers[1].config.aksVnetCidr"),
        value: "10.10.0.0/16",
        expected: "a range apart from member seoul's aksVnetCidr (10.10.0.0/16): a fleet's networks must not overlap, so they can be peered",
      },
    ]);
    expect(problems([seoul, { ...tokyo, config: { ...tokyo.config, eksVpcCidr: "10.10.128.0/17" } }], zone)).toEqual([
      expect.objectContaining({ key: key("fleetMembers[1].config.eksVpcCidr"), value: "10.10.128.0/17" }),
    ]);
  });

  it("keys a member's bad override where the stack file writes it", () => {
    expect(problems([{ ...seoul, config: { aksNodeCount: 0 } }])).toEqual([
      { key: key("fleetMembers[0].config.aksNodeCount"), value: "0", expected: "expected an integer from 1 to 100" },
    ]);
    expect(problems([{ ...seoul, config: { environment: "prod" } }])).toContainEqual(
      expect.objectContaining({ key: key("fleetMembers[0].config.environment"), expected: expect.stringContaining("the fleet sets it for every member") }),
    );
    expect(problems([{ ...seoul, config: { eksVpcCidr: "10.40.0.0/16" } }])).toContainEqual(
      expect.objectContaining({ key: key("fleetMembers[0].config.eksVpcCidr"), expected: "a key for cloud aws, but cloud is azure; remove it" }),
    );
  });

  it("says a bad shared value once, for the members it is wrong for, and refuses a cluster's key at the fleet's level", () => {
    expect(problems([seoul, busan], { appVote1: "reset" })).toEqual([
      { key: key("appVote1"), value: "reset", expected: "a label other than reset, which is the Reset button's value (for members seoul, busan)" },
    ]);
    expect(problems([seoul, busan], { aksNodeCount: "2" })).toEqual([
      expect.objectContaining({ key: key("aksNodeCount"), expected: expect.stringContaining("goes under its member's config") }),
    ]);
    expect(problems([seoul, busan], { "azure-native:location": "koreacentral" })).toEqual([
      expect.objectContaining({ key: "azure-native:location", expected: expect.stringContaining("each member's region") }),
    ]);
  });

  it("asks for a hosted zone and a host name below its apex when Route 53 is the entry, and refuses them for Front Door", () => {
    expect(problems([seoul, tokyo]).map((p) => p.key)).toEqual([key("fleetDnsZone"), key("fleetHostname")]);
    expect(problems([seoul, tokyo], { fleetDnsZone: "contoso.org", fleetHostname: "contoso.org" })).toEqual([
      expect.objectContaining({ key: key("fleetHostname"), expected: expect.stringContaining("not its apex") }),
    ]);
    expect(problems([seoul, tokyo], { fleetDnsZone: "example.com", fleetHostname: "vote.example.com" }).map((p) => p.expected)).toEqual([
      expect.stringContaining("reserved for documentation"),
      expect.stringContaining("reserved for documentation"),
    ]);
    expect(() => load([seoul, tokyo], { fleetDnsZone: "example.com", fleetHostname: "vote.example.com" }, [key("fleetDnsZone"), key("fleetHostname")])).not.toThrow();
    expect(problems([seoul, busan], zone).map((p) => p.key)).toEqual([key("fleetDnsZone"), key("fleetHostname")]);
    // Each member's own name, <member>.<fleetHostname>, must fit DNS's 253 characters too.
    const long = `${"a".repeat(60)}.${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(49)}.contoso.org`;
    expect(problems([seoul, tokyo], { fleetDnsZone: "contoso.org", fleetHostname: long })).toEqual([
      expect.objectContaining({ key: key("fleetHostname"), expected: expect.stringContaining("at most 236 characters") }),
    ]);
  });

  it("holds failover to what the entry can rank: two members behind Route 53, five behind Front Door", () => {
    const regions = ["eu-west-1", "eu-central-1", "us-east-1"];
    const aws = (i: number): Member => ({ name: `aws${i}`, cloud: "aws", region: regions[i - 1] as string, config: { eksVpcCidr: `10.${50 + i}.0.0/16`, eksPublicAccessCidrs: ["0.0.0.0/0"] } });
    expect(problems([aws(1), aws(2), aws(3)], zone)).toEqual([expect.objectContaining({ key: key("fleetMembers"), expected: expect.stringContaining("one primary and one secondary") })]);
    expect(() => load([aws(1), aws(2), aws(3)], { ...zone, fleetRouting: "latency" })).not.toThrow();
    const azure = (i: number): Member => ({ name: `az${i}`, cloud: "azure", region: "westeurope", config: aksNetwork(60 + i) });
    expect(problems([1, 2, 3, 4, 5, 6].map(azure))).toEqual([expect.objectContaining({ expected: expect.stringContaining("origin priorities run 1-5") })]);
  });

  it("needs a member that is not drained, and counts only those against failover's limit", () => {
    expect(problems([{ ...seoul, drain: true } as Member, { ...busan, drain: true } as Member])).toEqual([
      expect.objectContaining({ key: key("fleetMembers"), expected: "at least one member not drained: the global entry needs a member to send visitors to" }),
    ]);
    const aws = (i: number, region: string, drain = false) => ({ name: `aws${i}`, cloud: "aws", region, drain, config: { eksVpcCidr: `10.${70 + i}.0.0/16`, eksPublicAccessCidrs: ["0.0.0.0/0"] } });
    expect(load([aws(1, "eu-west-1", true), aws(2, "eu-central-1"), aws(3, "us-east-1")], zone).members.map((m) => m.drain)).toEqual([true, false, false]);
  });

  it("gives each latency member an AWS region of its own, as Route 53 takes one latency record per region", () => {
    const latency = { ...zone, fleetRouting: "latency" };
    // koreasouth's nearest AWS region is Seoul's, ap-northeast-2, the region of an AWS member there too.
    const seoulAws: Member = { name: "seoulaws", cloud: "aws", region: "ap-northeast-2", config: { eksVpcCidr: "10.90.0.0/16", eksPublicAccessCidrs: ["0.0.0.0/0"] } };
    expect(problems([seoulAws, busan], latency)).toEqual([
      expect.objectContaining({ key: key("fleetMembers[1].region"), value: "koreasouth", expected: expect.stringContaining("member seoulaws's: both answer latency queries as ap-northeast-2") }),
    ]);
    expect(problems([seoulAws, { ...busan, drain: true } as Member], latency)).toHaveLength(1);
    expect(() => load([seoulAws, busan], zone)).not.toThrow();
  });

  it("gives every Azure region a nearest AWS region Route 53 takes for latency", () => {
    const data = (file: string): unknown => JSON.parse(readFileSync(new URL(`../../data/${file}`, import.meta.url), "utf8"));
    const { regions: azure } = data("azure-regions.json") as { regions: { name: string; nearestAwsRegion: string }[] };
    const { regions: route53 } = data("route53-latency-regions.json") as { regions: string[] };
    expect(azure.filter((r) => !route53.includes(r.nearestAwsRegion))).toEqual([]);
    expect(route53.filter((r) => /^(cn|us-gov|eusc)-/.test(r))).toEqual([]);
  });

  it("refuses a latency region Route 53 does not take in the commercial partition", () => {
    const gov: Member = { name: "gov", cloud: "aws", region: "us-gov-west-1", config: { eksVpcCidr: "10.91.0.0/16", eksPublicAccessCidrs: ["0.0.0.0/0"] } };
    expect(problems([seoul, gov], { ...zone, fleetRouting: "latency" })).toEqual([
      expect.objectContaining({ key: key("fleetMembers[1].region"), value: "us-gov-west-1", expected: expect.stringContaining("data/route53-latency-regions.json") }),
    ]);
  });

  it("keeps a member's base name, <fleet>-<member>, to a stack name's 16 characters, and takes the fleet's own name", () => {
    expect(problems([{ ...seoul, name: "seoul-central" }])).toContainEqual(
      expect.objectContaining({ key: key("fleetMembers[0].name"), value: "seoul-central", expected: expect.stringContaining("fleet-seoul-central, the base name of its resources, to 16 characters") }),
    );
    expect(load([{ ...seoul, name: "seoul-central" }], { name: "vf" }).members[0]?.settings.name).toBe("vf-seoul-central");
  });

  it("refuses a member named global, the name npm run fleet gives the global entry's stack", () => {
    expect(problems([{ ...seoul, name: "global" }])).toContainEqual(
      expect.objectContaining({ key: key("fleetMembers"), expected: expect.stringContaining("[0].name: global is reserved for the stack of the fleet's global entry") }),
    );
  });

  it("refuses AWS provider keys a member's own provider would not take, and an existing member without a load balancer", () => {
    expect(problems([seoul, tokyo], { ...zone, "aws:assumeRoles": "[]" })).toEqual([expect.objectContaining({ key: "aws:assumeRoles", expected: expect.stringContaining("takes its region and aws:profile only") })]);
    const local = { name: "local", cloud: "existing", region: "westeurope", config: { existingKubeconfigPath: "/dev/null" } };
    expect(problems([seoul, local], zone)).toContainEqual(expect.objectContaining({ key: key("fleetMembers[1].config.existingServiceType"), value: "NodePort" }));
  });

  it("refuses a certificate of a member's own: the global entry serves the app", () => {
    expect(problems([seoul, busan], { appHostname: "vote.contoso.org" })).toContainEqual(expect.objectContaining({ key: key("appHostname") }));
  });

  it("registers nothing when the config is wrong", async () => {
    const attempt = await attemptStack("fleet", { fleetMembers: JSON.stringify([seoul, { ...seoul }]) }, { offline: true });
    expect(attempt.error).toBeInstanceOf(ConfigError);
    expect(attempt.resources).toEqual([]);
  });
});
