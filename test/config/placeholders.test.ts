import { describe, expect, it } from "vitest";
import { ConfigError, loadSettings } from "../../src/config.js";
import { documentationArns, documentationRanges } from "../../src/config/placeholders.js";

const project = "voting-platform";
const full = (values: Record<string, string>) => Object.fromEntries(Object.entries(values).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]));
const aksProd = { cloud: "azure", environment: "prod", "azure-native:location": "westeurope" };
const eksProd = { cloud: "aws", environment: "prod", "aws:region": "eu-west-1" };

function problems(values: Record<string, string>, examples: string[] = []): string[] {
  try {
    loadSettings({ project, stack: "test", values: full(values), examples });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.key}: ${p.expected}`);
    throw err;
  }
  return [];
}

describe("documentation-only values", () => {
  it("are the ranges inside RFC 5737's blocks, not the real ranges around them", () => {
    expect(documentationRanges(["203.0.113.0/24", "192.0.2.128/25", "198.51.100.7/32", "198.51.0.0/16", "0.0.0.0/0", "198.18.0.0/24", "20.50.1.7/32"])).toEqual([
      "203.0.113.0/24",
      "192.0.2.128/25",
      "198.51.100.7/32",
    ]);
    expect(documentationRanges(["203.0.112.0/23"])).toEqual([]);
  });

  it("are the ARNs in the accounts AWS's documentation writes", () => {
    expect(documentationArns(["arn:aws:iam::111122223333:role/admins", "arn:aws:iam::123456789012:user/me", "arn:aws:iam::210987654321:role/admins"])).toEqual([
      "arn:aws:iam::111122223333:role/admins",
      "arn:aws:iam::123456789012:user/me",
    ]);
  });
});

describe("a real pulumi up with documentation values where real ones are needed", () => {
  it("is refused before anything is created, naming the key and what to put there", () => {
    expect(problems({ ...aksProd, aksAuthorizedIpRanges: '["203.0.113.0/24"]' })).toEqual([
      expect.stringMatching(/^voting-platform:aksAuthorizedIpRanges: the real addresses pulumi up and your people connect from .*checkip.*203\.0\.113\.0\/24 is an RFC 5737 documentation range/),
    ]);
    expect(
      problems({ ...eksProd, eksPublicAccessCidrs: '["198.51.100.0/24"]', eksAdminPrincipalArns: '["arn:aws:iam::111122223333:role/platform-admins"]' }),
    ).toEqual([
      expect.stringMatching(/^voting-platform:eksPublicAccessCidrs: the real addresses .*198\.51\.100\.0\/24 is an RFC 5737 documentation range/),
      expect.stringMatching(/^voting-platform:eksAdminPrincipalArns: roles and users of your own accounts; arn:aws:iam::111122223333:role\/platform-admins is in an account of AWS's documentation/),
    ]);
  });

  it("asks prod for the addresses and admins it cannot guess, unless the endpoint is private", () => {
    expect(problems(aksProd)).toEqual([expect.stringMatching(/^voting-platform:aksAuthorizedIpRanges: required in prod unless aksPrivateCluster is true/)]);
    expect(problems({ ...aksProd, aksPrivateCluster: "true" })).toEqual([]);
    expect(problems(eksProd)).toEqual([
      expect.stringMatching(/^voting-platform:eksPublicAccessCidrs: required in prod while eksEndpointPublicAccess is true/),
      expect.stringMatching(/^voting-platform:eksAdminPrincipalArns: at least one admin principal .*aws sts get-caller-identity/),
    ]);
  });

  it("lets the same values through only as the offline plan's labelled examples", () => {
    expect(problems({ ...aksProd, aksAuthorizedIpRanges: '["203.0.113.0/24"]' }, ["voting-platform:aksAuthorizedIpRanges"])).toEqual([]);
    expect(problems({ ...aksProd, aksAuthorizedIpRanges: '["203.0.113.0/24"]' }, ["eksPublicAccessCidrs"])).toHaveLength(1);
  });

  it("accepts real ranges that merely contain a documentation range, such as 0.0.0.0/0 in dev", () => {
    expect(problems({ ...eksProd, environment: "dev", eksPublicAccessCidrs: '["0.0.0.0/0"]' })).toEqual([]);
  });
});
