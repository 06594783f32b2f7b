import { describe, expect, it } from "vitest";
import { ConfigError, loadSettings } from "../../src/config.js";

const project = "voting-platform";
const aws = { "voting-platform:cloud": "aws", "aws:region": "eu-west-1" };

function load(environment: "dev" | "prod", waivers: string[]) {
  const values: Record<string, string> = { ...aws, "voting-platform:environment": environment, "voting-platform:policyWaivers": JSON.stringify(waivers) };
  if (environment === "prod") {
    values["voting-platform:eksPublicAccessCidrs"] = JSON.stringify(["20.50.1.7/32"]);
    values["voting-platform:eksAdminPrincipalArns"] = JSON.stringify(["arn:aws:iam::210987654321:role/platform-admin"]);
  }
  return loadSettings({ project, stack: "test", values });
}

function problems(environment: "dev" | "prod", waivers: string[]): ConfigError["problems"] {
  try {
    load(environment, waivers);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected the config to be rejected");
}

describe("policyWaivers", () => {
  it("takes a dev stack's waivers as policy and reason, and none by default", () => {
    expect(load("dev", ["imdsv2-required=the lab's old agent reads IMDSv1"]).policyWaivers).toEqual({ "imdsv2-required": "the lab's old agent reads IMDSv1" });
    expect(load("dev", []).policyWaivers).toEqual({});
  });

  it("refuses a policy the pack does not have, listing the ones it has", () => {
    expect(problems("dev", ["imdsv1-allowed=typo"])).toEqual([
      {
        key: "voting-platform:policyWaivers",
        value: JSON.stringify(["imdsv1-allowed=typo"]),
        expected: expect.stringMatching(/api-endpoint-restricted, secrets-encrypted, imdsv2-required.*; imdsv1-allowed is not one/),
      },
    ]);
  });

  it("refuses a waiver without a reason", () => {
    expect(problems("dev", ["imdsv2-required= "])[0]).toMatchObject({ key: "voting-platform:policyWaivers", expected: expect.stringMatching(/imdsv2-required has none/) });
  });

  it("refuses any waiver in prod", () => {
    expect(problems("prod", ["imdsv2-required=just this once"])).toEqual([
      expect.objectContaining({ key: "voting-platform:policyWaivers", expected: expect.stringMatching(/only a dev stack may relax a policy/) }),
    ]);
  });
});
