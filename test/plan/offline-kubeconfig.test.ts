import { describe, expect, it } from "vitest";
import { offlineConfigOverrides, sampleKubeconfig } from "../../src/plan/offline-kubeconfig.js";
import { readStackConfig } from "../../src/plan/stack-config.js";

describe("offline kubeconfig for existing-cluster stacks", () => {
  const local = readStackConfig("local");

  it("plans a stack that names no kubeconfig against the sample one", () => {
    expect(offlineConfigOverrides(local)).toEqual({ "voting-platform:existingKubeconfig": sampleKubeconfig });
  });

  it("leaves a kubeconfig named by the stack or by an override alone, as pulumi up would use it", () => {
    expect(offlineConfigOverrides(local, { existingKubeconfigPath: "/etc/kind/kubeconfig" })).toEqual({});
    expect(offlineConfigOverrides(local, { "voting-platform:existingKubeconfig": "apiVersion: v1" })).toEqual({});
  });

  it("does nothing for cloud stacks", () => {
    expect(offlineConfigOverrides(readStackConfig("dev-eks"))).toEqual({});
  });
});
