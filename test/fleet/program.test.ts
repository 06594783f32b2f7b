import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureStack, type Capture, type CapturedResource } from "../../src/plan/capture.js";
import { readStackConfig } from "../../src/plan/stack-config.js";
import { analyzeLifecycle } from "../../src/plan/lifecycle/index.js";
import { sampleKubeconfig } from "../../src/plan/offline-kubeconfig.js";
import { all, one } from "../support/capture-helpers.js";

const aksNetwork = (n: number) => ({
  aksVnetCidr: `10.${n}.0.0/16`,
  aksNodeSubnetCidr: `10.${n}.0.0/20`,
  aksVirtualNodesSubnetCidr: `10.${n}.16.0/24`,
  aksPrivateEndpointSubnetCidr: `10.${n}.17.0/24`,
  aksAppGatewaySubnetCidr: `10.${n}.18.0/24`,
});
const allAzure = JSON.stringify([
  { name: "seoul", cloud: "azure", region: "koreacentral", config: { aksNodeCount: 2 } },
  { name: "tokyo", cloud: "azure", region: "japaneast", config: { aksNodeCount: 2, ...aksNetwork(30) } },
]);

const stackMembers = readStackConfig("fleet").values["voting-platform:fleetMembers"] ?? "[]";

const kubeconfigDir = mkdtempSync(path.join(tmpdir(), "fleet-existing-"));
const kubeconfigPath = path.join(kubeconfigDir, "config");
writeFileSync(kubeconfigPath, sampleKubeconfig);
afterAll(() => rmSync(kubeconfigDir, { recursive: true, force: true }));

const captures: Record<string, Capture> = {};
beforeAll(async () => {
  captures.latency = await captureStack("fleet", {}, { offline: true });
  captures.failover = await captureStack("fleet", { fleetRouting: "failover" }, { offline: true });
  captures.frontDoor = await captureStack("fleet", { fleetMembers: allAzure, fleetRouting: "failover", policyWaivers: undefined }, { offline: true });
  captures.frontDoorLatency = await captureStack("fleet", { fleetMembers: allAzure, fleetRouting: "latency", policyWaivers: undefined }, { offline: true });
  const drained = (members: string) => JSON.stringify((JSON.parse(members) as { name: string }[]).map((m) => (m.name === "seoul" ? { ...m, drain: true } : m)));
  captures.drained = await captureStack("fleet", { fleetMembers: drained(stackMembers) }, { offline: true });
  captures.drainedFailover = await captureStack("fleet", { fleetMembers: drained(stackMembers), fleetRouting: "failover" }, { offline: true });
  const twoOnAws = JSON.stringify([
    { name: "tokyo", cloud: "aws", region: "ap-northeast-1", config: { eksPublicAccessCidrs: ["0.0.0.0/0"] } },
    { name: "dublin", cloud: "aws", region: "eu-west-1", config: { eksVpcCidr: "10.21.0.0/16", eksPublicAccessCidrs: ["0.0.0.0/0"] } },
  ]);
  captures.twoOnAws = await captureStack("fleet", { fleetMembers: twoOnAws, appFrontend: "own" }, { offline: true });
  const withExisting = JSON.stringify([
    { name: "tokyo", cloud: "aws", region: "ap-northeast-1", config: { eksPublicAccessCidrs: ["0.0.0.0/0"] } },
    { name: "lab", cloud: "existing", region: "westeurope", config: { existingServiceType: "LoadBalancer", existingKubeconfigPath: kubeconfigPath } },
  ]);
  captures.withExisting = await captureStack("fleet", { fleetMembers: withExisting }, { offline: true });
  captures.frontDoorDrained = await captureStack("fleet", { fleetMembers: drained(allAzure), fleetRouting: "failover", policyWaivers: undefined }, { offline: true });
}, 120_000);

const memberUrls = (c: Capture) => c.outputs.memberUrls?.value as Record<string, string>;
const hostOf = (c: Capture, member: string) => new URL(memberUrls(c)[member] ?? "").host;
const providerOf = (c: Capture, r: CapturedResource) => c.resources.find((p) => p.urn === r.provider);

describe("a fleet on two clouds behind Route 53", () => {
  it("builds each member with the same components and app, side by side under its own FleetMember", () => {
    const c = captures.latency as Capture;
    const members = all(c, "voting-platform:fleet:Member").map((m) => m.name);
    expect(members).toEqual(["seoul", "tokyo"]);
    expect(one(c, "voting-platform:azure:AksCluster").parent).toBe(one(c, "voting-platform:fleet:Member", "seoul").urn);
    expect(one(c, "voting-platform:aws:EksCluster").parent).toBe(one(c, "voting-platform:fleet:Member", "tokyo").urn);
    expect(all(c, "voting-platform:apps:VotingApp").map((a) => a.name)).toEqual(["seoul-vote", "tokyo-vote"]);
  });

  it("creates the AWS member in its own region through its own provider, and Route 53 through a us-east-1 one", () => {
    const c = captures.latency as Capture;
    const vpc = one(c, "aws:ec2/vpc:Vpc");
    expect(providerOf(c, vpc)?.inputs.region).toBe("ap-northeast-1");
    expect(all(c, "aws:ec2/subnet:Subnet").map((s) => s.inputs.availabilityZone)).toEqual(expect.arrayContaining(["ap-northeast-1a", "ap-northeast-1b"]));
    for (const record of all(c, "aws:route53/record:Record")) expect(providerOf(c, record)?.inputs.region).toBe("us-east-1");
  });

  it("gives each member a name of its own, and answers the fleet's name with a latency record per member, each checked on its own app over HTTP", () => {
    const c = captures.latency as Capture;
    const checks = all(c, "aws:route53/healthCheck:HealthCheck");
    for (const member of ["seoul", "tokyo"]) {
      const own = one(c, "aws:route53/record:Record", `-member-${member}`);
      expect(own.inputs).toMatchObject({ name: `${member}.vote.example.com`, type: "CNAME", ttl: 60, records: [hostOf(c, member)] });
      const record = one(c, "aws:route53/record:Record", `-record-${member}`);
      const check = one(c, "aws:route53/healthCheck:HealthCheck", `-${member}`);
      expect(record.inputs).toMatchObject({ name: "vote.example.com", type: "CNAME", ttl: 60, records: [`${member}.vote.example.com`], setIdentifier: member, healthCheckId: check.outputs.id });
      expect(check.inputs).toMatchObject({ type: "HTTP", fqdn: hostOf(c, member), port: 80, resourcePath: "/", requestInterval: 30, failureThreshold: 3 });
      expect(check.inputs.ipAddress).toBeUndefined();
    }
    expect(checks).toHaveLength(2);
    // Route 53 measures latency to AWS regions: Seoul on Azure answers as ap-northeast-2, Tokyo as its own.
    expect(one(c, "aws:route53/record:Record", "-record-seoul").inputs.latencyRoutingPolicies).toEqual([{ region: "ap-northeast-2" }]);
    expect(one(c, "aws:route53/record:Record", "-record-tokyo").inputs.latencyRoutingPolicies).toEqual([{ region: "ap-northeast-1" }]);
  });

  it("makes the first member primary and the second secondary in failover, in records named by their role", () => {
    const c = captures.failover as Capture;
    const primary = one(c, "aws:route53/record:Record", "-primary");
    const secondary = one(c, "aws:route53/record:Record", "-secondary");
    expect(primary.inputs).toMatchObject({ setIdentifier: "primary", records: ["seoul.vote.example.com"], failoverRoutingPolicies: [{ type: "PRIMARY" }] });
    expect(secondary.inputs).toMatchObject({ setIdentifier: "secondary", records: ["tokyo.vote.example.com"], failoverRoutingPolicies: [{ type: "SECONDARY" }] });
    expect(secondary.inputs.latencyRoutingPolicies).toBeUndefined();
    // A fleet whose records were keyed by member has them updated in place, never a second PRIMARY beside the first.
    expect(primary.aliases).toEqual([expect.stringMatching(/global-record-seoul$/)]);
    expect(secondary.aliases).toEqual([expect.stringMatching(/global-record-tokyo$/)]);
  });

  it("moves the PRIMARY record to the next member when the first is drained, so no update holds two", () => {
    const c = captures.drainedFailover as Capture;
    const routed = all(c, "aws:route53/record:Record").filter((r) => r.inputs.name === "vote.example.com");
    expect(routed.map((r) => [r.name, r.inputs.records, r.inputs.failoverRoutingPolicies])).toEqual([["global-primary", ["tokyo.vote.example.com"], [{ type: "PRIMARY" }]]]);
    expect(routed[0]?.inputs.healthCheckId).toBe(one(c, "aws:route53/healthCheck:HealthCheck", "-tokyo").outputs.id);
  });

  it("publishes the global URL, each member's URL, and the members' kubeconfigs as one secret", () => {
    const c = captures.latency as Capture;
    expect(c.outputs.appUrl).toEqual({ value: "http://vote.example.com", secret: false });
    expect(Object.keys(memberUrls(c))).toEqual(["seoul", "tokyo"]);
    expect(memberUrls(c).seoul).toMatch(/^http:\/\/[a-z0-9-]+\.koreacentral\.cloudapp\.azure\.com$/);
    expect(c.outputs.memberKubeconfigs?.secret).toBe(true);
    expect(Object.keys(c.outputs.memberKubeconfigs?.value as object)).toEqual(["seoul", "tokyo"]);
  });

  it("has each member's page say which member served it", () => {
    const c = captures.latency as Capture;
    const titles = all(c, "kubernetes:apps/v1:Deployment")
      .filter((d) => d.name.endsWith("-vote-front-deployment"))
      .map((d) => {
        const env = (d.inputs.spec as { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } }).template.spec.containers[0]?.env ?? [];
        return env.find((e) => e.name === "TITLE")?.value;
      });
    expect(titles.sort()).toEqual(["Azure Voting App · seoul (koreacentral)", "Azure Voting App · tokyo (ap-northeast-1)"]);
  });

  it("deletes the records and health checks before the load balancers they point at", () => {
    const c = captures.latency as Capture;
    expect(analyzeLifecycle(c).violations).toEqual([]);
    const record = one(c, "aws:route53/record:Record", "-member-tokyo");
    const ingress = one(c, "kubernetes:networking.k8s.io/v1:Ingress");
    expect(record.dependencies).toEqual(expect.arrayContaining([expect.stringContaining("tokyo-vote")]));
    expect(ingress.dependencies).not.toContain(record.urn);
  });
});

describe("a fleet all on Azure behind Front Door", () => {
  it("has no Route 53, and serves the global URL on Front Door's own HTTPS host", () => {
    const c = captures.frontDoor as Capture;
    expect(all(c, "aws:route53/record:Record")).toEqual([]);
    const endpoint = one(c, "azure-native:cdn:AFDEndpoint");
    expect(c.outputs.appUrl?.value).toBe(`https://${String(endpoint.outputs.hostName)}`);
    expect(String(endpoint.outputs.hostName)).toMatch(/\.z01\.azurefd\.net$/);
    expect(one(c, "azure-native:cdn:Profile").inputs).toMatchObject({ location: "global", sku: { name: "Standard_AzureFrontDoor" } });
  });

  it("probes every member's / over HTTP, and ranks the origins for failover", () => {
    const c = captures.frontDoor as Capture;
    expect(one(c, "azure-native:cdn:AFDOriginGroup").inputs.healthProbeSettings).toEqual({ probePath: "/", probeProtocol: "Http", probeRequestType: "GET", probeIntervalInSeconds: 30 });
    const origins = all(c, "azure-native:cdn:AFDOrigin").map((o) => [o.inputs.originName, o.inputs.priority, o.inputs.hostName === hostOf(c, String(o.inputs.originName))]);
    expect(origins).toEqual([["seoul", 1, true], ["tokyo", 2, true]]);
    const latency = all(captures.frontDoorLatency as Capture, "azure-native:cdn:AFDOrigin").map((o) => o.inputs.priority);
    expect(latency).toEqual([1, 1]);
  });

  it("creates the route after its origins, redirecting HTTP to HTTPS and sending HTTP to the members", () => {
    const c = captures.frontDoor as Capture;
    const route = one(c, "azure-native:cdn:Route");
    for (const origin of all(c, "azure-native:cdn:AFDOrigin")) expect(route.dependencies).toContain(origin.urn);
    expect(route.inputs).toMatchObject({ httpsRedirect: "Enabled", forwardingProtocol: "HttpOnly", supportedProtocols: ["Http", "Https"], patternsToMatch: ["/*"] });
    expect(analyzeLifecycle(c).violations).toEqual([]);
  });
});

describe("draining a member", () => {
  it("keeps the member running, and takes its record and health check out of Route 53", () => {
    const c = captures.drained as Capture;
    expect(all(c, "voting-platform:fleet:Member").map((m) => m.name)).toEqual(["seoul", "tokyo"]);
    const routed = all(c, "aws:route53/record:Record").filter((r) => r.inputs.name === "vote.example.com");
    expect(routed.map((r) => r.inputs.setIdentifier)).toEqual(["tokyo"]);
    expect(all(c, "aws:route53/healthCheck:HealthCheck").map((r) => r.inputs.fqdn)).toEqual([hostOf(c, "tokyo")]);
    // Its own name stays, so the team can try it before sending it visitors again.
    expect(one(c, "aws:route53/record:Record", "-member-seoul").inputs.records).toEqual([hostOf(c, "seoul")]);
    expect(Object.keys(memberUrls(c))).toEqual(["seoul", "tokyo"]);
  });

  it("disables its Front Door origin, so the next in failover order answers", () => {
    const c = captures.frontDoorDrained as Capture;
    const origins = all(c, "azure-native:cdn:AFDOrigin");
    expect(origins.map((o) => [o.inputs.originName, o.inputs.priority, o.inputs.enabledState]).sort()).toEqual([
      ["seoul", 1, "Disabled"],
      ["tokyo", 2, "Enabled"],
    ]);
    // Front Door refuses a write that leaves the group no enabled origin: the enabled one is written first.
    expect(one(c, "azure-native:cdn:AFDOrigin", "-seoul").dependencies).toContain(one(c, "azure-native:cdn:AFDOrigin", "-tokyo").urn);
    expect(one(c, "azure-native:cdn:AFDOrigin", "-tokyo").dependencies).not.toContain(one(c, "azure-native:cdn:AFDOrigin", "-seoul").urn);
    expect(analyzeLifecycle(c).violations).toEqual([]);
    const parallel = { resources: c.resources.map((r) => (r.type === "azure-native:cdn:AFDOrigin" ? { ...r, dependencies: r.dependencies.filter((d) => !origins.some((o) => o.urn === d)) } : r)) };
    expect(analyzeLifecycle(parallel).violations).toEqual([
      expect.objectContaining({ rule: "front-door-enabled-origins-first", detail: expect.stringMatching(/^AFDOrigin global-origin-seoul must be deleted before AFDOrigin global-origin-tokyo/) }),
    ]);
  });
});

describe("a member whose load balancer gives only an address", () => {
  it("gets an A record of its own and a health check on the address, behind the same CNAME as the others", () => {
    const c = captures.withExisting as Capture;
    const address = hostOf(c, "lab");
    expect(address).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(one(c, "aws:route53/record:Record", "-member-lab").inputs).toMatchObject({ name: "lab.vote.example.com", type: "A", records: [address] });
    expect(one(c, "aws:route53/record:Record", "-member-tokyo").inputs.type).toBe("CNAME");
    // A routed record may not be a CNAME to an address, and the records of one name share one type.
    expect(all(c, "aws:route53/record:Record").filter((r) => r.inputs.name === "vote.example.com").map((r) => [r.inputs.type, r.inputs.records]).sort()).toEqual([
      ["CNAME", ["lab.vote.example.com"]],
      ["CNAME", ["tokyo.vote.example.com"]],
    ]);
    const check = one(c, "aws:route53/healthCheck:HealthCheck", "-lab");
    expect(check.inputs.ipAddress).toBe(address);
    expect(check.inputs.fqdn).toBeUndefined();
    // Route 53 cannot add or remove a check's address by an update: a move between the two replaces it.
    expect(check.replaceOnChanges.sort()).toEqual(["fqdn", "ipAddress"]);
    expect(analyzeLifecycle(c).violations).toEqual([]);
  });
});

describe("a fleet of two AWS members in two regions", () => {
  it("gives each member's image its own repository, in the member's region", () => {
    const c = captures.twoOnAws as Capture;
    const repositories = all(c, "aws:ecr/repository:Repository");
    expect(repositories.map((r) => r.inputs.name).sort()).toEqual(["voting-platform-fleet-dublin/vote-front", "voting-platform-fleet-tokyo/vote-front"]);
    expect(repositories.map((r) => providerOf(c, r)?.inputs.region).sort()).toEqual(["ap-northeast-1", "eu-west-1"]);
  });

  it("holds every lifecycle rule, each member's ALB its own", () => {
    const c = captures.twoOnAws as Capture;
    expect(new Set(Object.values(memberUrls(c))).size).toBe(2);
    expect(analyzeLifecycle(c).violations).toEqual([]);
  });
});

