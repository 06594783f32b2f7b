import { describe, expect, it } from "vitest";
import { loadSettings } from "../../src/config.js";
import { offlineExamples } from "../../src/plan/offline-examples.js";
import { sampleKubeconfig } from "../../src/plan/offline-kubeconfig.js";
import { readStackConfig } from "../../src/plan/stack-config.js";

const keys = (stack: string, overrides: Record<string, string> = {}) => offlineExamples(readStackConfig(stack), overrides).map((e) => e.key);

describe("the offline plan's examples", () => {
  it("stands the sample kubeconfig in for a local stack that names none", () => {
    expect(offlineExamples(readStackConfig("local"))).toEqual([
      expect.objectContaining({ key: "voting-platform:existingKubeconfig", value: sampleKubeconfig, label: expect.stringMatching(/sample kind kubeconfig/) }),
    ]);
  });

  it("leaves a kubeconfig named by the stack or by an override alone, as pulumi up would use it", () => {
    expect(keys("local", { existingKubeconfigPath: "/etc/kind/kubeconfig" })).toEqual([]);
    expect(keys("local", { "voting-platform:existingKubeconfig": "apiVersion: v1" })).toEqual([]);
  });

  it("stands labelled examples in for the addresses and admins the prod stacks leave to the user", () => {
    expect(keys("prod-aks")).toEqual(["voting-platform:aksAuthorizedIpRanges"]);
    expect(keys("prod-eks")).toEqual(["voting-platform:eksPublicAccessCidrs", "voting-platform:eksAdminPrincipalArns"]);
    for (const example of offlineExamples(readStackConfig("prod-eks"))) expect(example.label).toMatch(/pulumi up needs yours/);
  });

  it("stands in nothing the user set, nothing a private endpoint makes moot, and nothing for dev", () => {
    expect(keys("prod-aks", { aksAuthorizedIpRanges: '["20.50.1.7/32"]' })).toEqual([]);
    expect(keys("prod-aks", { aksPrivateCluster: "true" })).toEqual([]);
    expect(keys("prod-eks", { eksEndpointPublicAccess: "false", eksBootstrapCreatorAdmin: "true" })).toEqual([]);
    expect(keys("dev-aks")).toEqual([]);
    expect(keys("dev-eks")).toEqual([]);
  });

  it("fills exactly what config asks a real pulumi up for: without them the prod stacks are refused, naming the keys", () => {
    for (const stack of ["prod-aks", "prod-eks"]) {
      const config = readStackConfig(stack);
      expect(() => loadSettings(config)).toThrow(/is missing: required in prod/);
      const examples = offlineExamples(config);
      const values = { ...config.values, ...Object.fromEntries(examples.map((e) => [e.key, e.value])) };
      expect(loadSettings({ ...config, values, examples: examples.map((e) => e.key) }).stack).toBe(stack);
      // The same values are refused when they do not come as labelled examples.
      expect(() => loadSettings({ ...config, values })).toThrow(/documentation/);
    }
  });
});
