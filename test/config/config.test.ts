import { describe, expect, it } from "vitest";
import { ConfigError, loadSettings, type Settings } from "../../src/config.js";

const project = "voting-platform";

function load(values: Record<string, string>, stack = "test"): Settings {
  const full = Object.fromEntries(Object.entries(values).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]));
  return loadSettings({ project, stack, values: full });
}

function problems(values: Record<string, string>): ConfigError["problems"] {
  try {
    load(values);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected the config to be rejected");
}

const azure = { cloud: "azure", environment: "dev", "azure-native:location": "westeurope" };
const aws = { cloud: "aws", environment: "dev", "aws:region": "eu-west-1" };

describe("stack config", () => {
  it("reads a minimal stack with the documented defaults", () => {
    const settings = load(azure, "dev-aks");
    expect(settings).toMatchObject({ name: "dev-aks", environment: "dev", protect: false, tags: {} });
    expect(settings.platform.cloud).toBe("azure");
    expect(settings.app).toMatchObject({ title: "Azure Voting App", choices: ["Cats", "Dogs"] });
  });

  it("turns on protection in prod unless told otherwise", () => {
    expect(load({ ...azure, environment: "prod", aksPrivateCluster: "true" }).protect).toBe(true);
    expect(load({ ...azure, environment: "prod", aksPrivateCluster: "true", protect: "false" }).protect).toBe(false);
  });

  it("reads tags as name=value pairs", () => {
    expect(load({ ...azure, tags: JSON.stringify(["team=platform", "cost-center=42=a"]) }).tags).toEqual({
      team: "platform",
      "cost-center": "42=a",
    });
  });

  it("names the missing required keys", () => {
    expect(problems({})).toEqual([
      { key: "voting-platform:cloud", value: undefined, expected: "required; expected one of azure, aws, existing, fleet" },
      { key: "voting-platform:environment", value: undefined, expected: "required; expected one of dev, prod" },
    ]);
    expect(problems({ cloud: "azure", environment: "dev" })).toEqual([
      {
        key: "azure-native:location",
        value: undefined,
        expected: "required; expected an Azure region name such as westeurope or eastus2",
      },
    ]);
  });

  it.each([
    ["a CIDR that is not a CIDR", { aksVnetCidr: "10.10.0.0" }, "voting-platform:aksVnetCidr", /IPv4 CIDR block/],
    ["a CIDR with host bits", { aksVnetCidr: "10.10.0.1/16" }, "voting-platform:aksVnetCidr", /no host bits/],
    ["overlapping CIDRs", { aksServiceCidr: "10.10.128.0/20", aksDnsServiceIp: "10.10.128.10" }, "voting-platform:aksServiceCidr", /not overlap aksVnetCidr \(10\.10\.0\.0\/16\)/],
    ["a subnet outside the VNet", { aksNodeSubnetCidr: "10.11.0.0/20" }, "voting-platform:aksNodeSubnetCidr", /inside aksVnetCidr/],
    ["a node count of 0", { aksNodeCount: "0" }, "voting-platform:aksNodeCount", /an integer from 1 to 100/],
    ["a node count of 1000", { aksNodeCount: "1000" }, "voting-platform:aksNodeCount", /an integer from 1 to 100/],
    ["a node count that is not a number", { aksNodeCount: "three" }, "voting-platform:aksNodeCount", /an integer/],
    ["an unknown region format", { "azure-native:location": "West Europe" }, "azure-native:location", /Azure region name/],
    ["an empty VM size", { aksVmSize: "" }, "voting-platform:aksVmSize", /Azure VM size/],
    ["an unknown cloud", { cloud: "gcp" }, "voting-platform:cloud", /one of azure, aws, existing/],
    ["a boolean that is not one", { protect: "yes" }, "voting-platform:protect", /true or false/],
  ])("rejects %s, naming the key, the value and what is accepted", (_, override, key, expected) => {
    const [problem, ...others] = problems({ ...azure, ...override });
    expect(others).toEqual([]);
    expect(problem?.key).toBe(key);
    expect(problem?.value).toBe(Object.values(override)[0]);
    expect(problem?.expected).toMatch(expected);
  });

  it("rejects a bad AWS region and instance type", () => {
    expect(problems({ ...aws, "aws:region": "eu-west" })[0]).toMatchObject({ key: "aws:region", value: "eu-west" });
    expect(problems({ ...aws, eksInstanceTypes: '["t3.medium","large"]' })[0]?.expected).toMatch(/\[1\]: expected an EC2 instance type/);
  });

  it("rejects a typo with a suggestion instead of ignoring it", () => {
    expect(problems({ ...azure, aksNodeCout: "5" })).toEqual([
      { key: "voting-platform:aksNodeCout", value: "5", expected: "not a known key; did you mean voting-platform:aksNodeCount?" },
    ]);
  });

  it("rejects a key of another cloud", () => {
    expect(problems({ ...azure, eksAzCount: "3" })[0]?.expected).toBe("a key for cloud aws, but cloud is azure; remove it");
  });

  it("reports every problem at once", () => {
    const found = problems({ ...azure, aksNodeCount: "0", aksVmSize: "", appVote2: "Cats", appVote1: "Cats" });
    expect(found.map((p) => p.key)).toEqual(["voting-platform:aksNodeCount", "voting-platform:aksVmSize", "voting-platform:appVote2"]);
  });

  it("formats the error for people: one line per key, value and what is accepted", () => {
    try {
      load({ ...azure, aksNodeCount: "1000" }, "dev-aks");
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toBe(
        'Invalid config for stack "dev-aks" (1 problem):\n  - voting-platform:aksNodeCount = "1000": expected an integer from 1 to 100',
      );
      return;
    }
    throw new Error("expected a ConfigError");
  });
});
