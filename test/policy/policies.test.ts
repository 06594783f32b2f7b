import { describe, expect, it } from "vitest";
import { policies, policyNames } from "../../policy/policies/index.js";
import { unknownMarker } from "../../src/plan/decode.js";
import { runPolicies } from "../../src/plan/insights/policy.js";
import type { Properties } from "../../src/plan/capture.js";
import { GraphBuilder } from "../plan/lifecycle/builder.js";

type Case = { policy: string; build(g: GraphBuilder, good: boolean): void };

const eks = "aws:eks/cluster:Cluster";
const aks = "azure-native:containerservice:ManagedCluster";

/** Each policy on the smallest stack it speaks of: a good resource passes, a bad one is reported. */
const cases: Case[] = [
  {
    policy: "api-endpoint-restricted",
    build: (g, good) => {
      g.add(eks, "eks", { inputs: { vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: [good ? "20.50.1.7/32" : "0.0.0.0/0"] } } });
      g.add(aks, "aks", { inputs: { apiServerAccessProfile: good ? { enablePrivateCluster: true } : {} } });
    },
  },
  {
    policy: "secrets-encrypted",
    build: (g, good) => g.add(eks, "eks", { inputs: good ? { encryptionConfig: { resources: ["secrets"], provider: { keyArn: "arn:aws:kms:eu-west-1:1:key/k" } } } : {} }),
  },
  {
    policy: "imdsv2-required",
    build: (g, good) =>
      g.add("aws:ec2/launchTemplate:LaunchTemplate", "lt", { inputs: { metadataOptions: good ? { httpTokens: "required", httpPutResponseHopLimit: 1 } : { httpTokens: "optional", httpPutResponseHopLimit: 2 } } }),
  },
  { policy: "acr-admin-disabled", build: (g, good) => g.add("azure-native:containerregistry:Registry", "acr", { inputs: { adminUserEnabled: !good } }) },
  {
    policy: "key-vault-purge-protection",
    build: (g, good) => g.add("azure-native:keyvault:Vault", "kv", { inputs: { properties: good ? { enableSoftDelete: true, enablePurgeProtection: true } : { enableSoftDelete: true } } }),
  },
  {
    policy: "storage-no-public-blob-access",
    build: (g, good) => g.add("azure-native:storage:StorageAccount", "st", { inputs: { allowBlobPublicAccess: !good, enableHttpsTrafficOnly: true } }),
  },
  {
    policy: "control-plane-audit-logs",
    build: (g, good) => {
      g.add(eks, "eks", { inputs: { enabledClusterLogTypes: good ? ["api", "audit"] : ["api"] } });
      const cluster = g.add(aks, "aks");
      g.add("azure-native:monitor:DiagnosticSetting", "diag", { dependsOn: [cluster], inputs: { logs: [{ category: good ? "kube-audit-admin" : "kube-apiserver", enabled: true }] } });
    },
  },
  {
    policy: "network-policy-enforced",
    build: (g, good) => {
      g.add(aks, "aks", { inputs: { networkProfile: { networkPolicy: good ? "cilium" : "none" } } });
      g.add(eks, "eks");
      g.add("aws:eks/addon:Addon", "cni", { inputs: { addonName: "vpc-cni", configurationValues: JSON.stringify(good ? { enableNetworkPolicy: "true" } : {}) } });
    },
  },
  { policy: "local-accounts-disabled", build: (g, good) => g.add(aks, "aks", { inputs: { disableLocalAccounts: good, enableRBAC: true } }) },
  {
    policy: "pod-security-restricted",
    build: (g, good) => g.add("kubernetes:core/v1:Namespace", "ns", { inputs: { metadata: { name: "vote", labels: { "pod-security.kubernetes.io/enforce": good ? "restricted" : "baseline" } } } }),
  },
  {
    policy: "namespace-default-deny",
    build: (g, good) => {
      g.add("kubernetes:core/v1:Namespace", "ns", { inputs: { metadata: { name: "vote" } } });
      const spec = good ? { podSelector: {}, policyTypes: ["Ingress", "Egress"] } : { podSelector: {}, policyTypes: ["Ingress"] };
      g.add("kubernetes:networking.k8s.io/v1:NetworkPolicy", "deny", { inputs: { metadata: { name: "default-deny", namespace: "vote" }, spec } });
    },
  },
  { policy: "kubernetes-version-supported", build: (g, good) => g.add(eks, "eks", { inputs: { version: good ? "1.36" : "1.29" } }) },
];

const findingsOf = (build: (g: GraphBuilder) => void, waivers = {}) => {
  const g = new GraphBuilder();
  build(g);
  return runPolicies(g.capture(), waivers);
};

describe("the policy pack", () => {
  it("names every policy once, and has a case here for each", () => {
    expect(policies.map((p) => p.name)).toEqual([...policyNames]);
    expect(cases.map((c) => c.policy).sort()).toEqual([...policyNames].sort());
  });

  describe.each(cases)("$policy", ({ policy, build }) => {
    it("stays quiet on a good resource", () => {
      expect(findingsOf((g) => build(g, true)).filter((f) => f.policy === policy)).toEqual([]);
    });

    it("reports a bad one, by its URN, with its severity", () => {
      const found = findingsOf((g) => build(g, false)).filter((f) => f.policy === policy);
      expect(found.length).toBeGreaterThan(0);
      for (const finding of found) {
        expect(finding.urn).toMatch(/^urn:pulumi:test::project::/);
        expect(["low", "medium", "high", "critical"]).toContain(finding.severity);
        expect(finding.waivedBy).toBeNull();
      }
    });
  });

  it("shows the waiver and its reason on a waived finding", () => {
    const [finding] = findingsOf((g) => g.add("azure-native:containerregistry:Registry", "acr", { inputs: { adminUserEnabled: true } }), { "acr-admin-disabled": "a legacy pipeline" });
    expect(finding?.waivedBy).toBe("policyWaivers (a legacy pipeline)");
  });

  it("says a check waits for a value not known before the resource exists, as a preview would, instead of failing", () => {
    const unknown = (inputs: Properties) => findingsOf((g) => g.add(eks, "eks", { inputs }));
    const findings = unknown({ vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: unknownMarker }, version: unknownMarker });
    const endpoint = findings.find((f) => f.policy === "api-endpoint-restricted");
    expect(endpoint?.message).toMatch(/cannot be checked before its inputs are known/);
    expect(findings.filter((f) => f.policy === "kubernetes-version-supported").every((f) => /cannot be checked/.test(f.message))).toBe(true);
  });
});
