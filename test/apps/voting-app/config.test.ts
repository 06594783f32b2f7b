import { describe, expect, it } from "vitest";
import { ConfigError, loadSettings, type AppSettings } from "../../../src/config.js";
import { attemptStack } from "../../../src/plan/capture.js";
import { withOfflineExamples } from "../../../src/plan/offline-examples.js";
import { readStackConfig } from "../../../src/plan/stack-config.js";

const project = "voting-platform";
const clouds = {
  azure: { cloud: "azure", "azure-native:location": "westeurope" },
  aws: { cloud: "aws", "aws:region": "eu-west-1" },
  existing: { cloud: "existing" },
};

function values(cloud: keyof typeof clouds, environment: string, app: Record<string, string>): Record<string, string> {
  const all: Record<string, string> = { ...clouds[cloud], environment, ...app };
  return Object.fromEntries(Object.entries(all).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]));
}

function app(cloud: keyof typeof clouds, environment: string, keys: Record<string, string> = {}): AppSettings {
  return loadSettings({ project, stack: "test", values: values(cloud, environment, keys) }).app;
}

function problems(cloud: keyof typeof clouds, keys: Record<string, string>): ConfigError["problems"] {
  try {
    app(cloud, "dev", keys);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected the config to be rejected");
}

describe("the Voting App's config", () => {
  it("defaults to the sample image and small sizes in dev", () => {
    expect(app("azure", "dev")).toEqual({
      title: "Azure Voting App",
      choices: ["Cats", "Dogs"],
      frontend: "sample",
      namespace: "vote",
      frontendReplicas: 2,
      frontendMaxReplicas: 5,
      redisStorageSize: "1Gi",
      redisImage: "redis:7.4.5-alpine",
      dnsLabel: undefined,
    });
  });

  it("defaults to our own image, more replicas and a larger volume in prod, where the platform has a registry", () => {
    for (const stack of ["prod-aks", "prod-eks"]) {
      // The prod stack files' platform keys, without their app keys.
      const config = withOfflineExamples(readStackConfig(stack));
      const platformOnly = Object.fromEntries(Object.entries(config.values).filter(([key]) => !key.startsWith(`${project}:app`)));
      expect(loadSettings({ ...config, values: platformOnly }).app).toMatchObject({ frontend: "own", frontendReplicas: 3, frontendMaxReplicas: 10, redisStorageSize: "8Gi" });
    }
    expect(app("existing", "prod").frontend).toBe("sample");
  });

  it("reads every key", () => {
    expect(
      app("aws", "dev", {
        appFrontend: "own",
        appNamespace: "votes",
        appFrontendReplicas: "4",
        appFrontendMaxReplicas: "8",
        appRedisStorageSize: "512Mi",
        appRedisImage: "redis@sha256:" + "a".repeat(64),
        appDnsLabel: "my-vote",
      }),
    ).toMatchObject({
      frontend: "own",
      namespace: "votes",
      frontendReplicas: 4,
      frontendMaxReplicas: 8,
      redisStorageSize: "512Mi",
      redisImage: `redis@sha256:${"a".repeat(64)}`,
      dnsLabel: "my-vote",
    });
  });

  it.each<[string, keyof typeof clouds, Record<string, string>, string, string]>([
    ["our image on an existing cluster", "existing", { appFrontend: "own" }, "appFrontend", "sample: own pushes the front end image to the platform's registry, and an existing cluster has none"],
    ["an unknown image", "azure", { appFrontend: "custom" }, "appFrontend", "expected one of sample, own"],
    ["one replica", "azure", { appFrontendReplicas: "1" }, "appFrontendReplicas", "expected an integer from 2 to 50"],
    ["a maximum under the minimum", "azure", { appFrontendReplicas: "6", appFrontendMaxReplicas: "4" }, "appFrontendMaxReplicas", "an integer from appFrontendReplicas (6) to 100"],
    ["a namespace the cluster owns", "azure", { appNamespace: "kube-system" }, "appNamespace", "a namespace of the app's own, not one the cluster owns (default, kube-system, kube-public, kube-node-lease)"],
    ["a namespace that is no DNS label", "azure", { appNamespace: "Vote" }, "appNamespace", "expected a namespace name: 1-63 lowercase letters, digits or hyphens"],
    ["a Redis image tagged latest", "azure", { appRedisImage: "redis:latest" }, "appRedisImage", "an image pinned by version or digest, not latest"],
    ["a Redis image without a tag", "azure", { appRedisImage: "redis" }, "appRedisImage", "expected an image pinned by tag or digest, such as redis:7.4.5-alpine"],
    ["a volume size in decimal units", "azure", { appRedisStorageSize: "1GB" }, "appRedisStorageSize", "expected a size such as 1Gi, 512Mi or 1Ti"],
    ["a DNS label with capitals", "azure", { appDnsLabel: "My-Vote" }, "appDnsLabel", "expected a DNS label: 3-63 lowercase letters, digits or hyphens, starting with a letter"],
  ])("rejects %s, naming the key, the value and what is accepted", (_case, cloud, keys, key, expected) => {
    const [, value] = Object.entries(keys).find(([k]) => k === key) ?? [];
    expect(problems(cloud, keys)).toEqual([{ key: `${project}:${key}`, value, expected }]);
  });

  it("fails a real stack before any resource is registered", async () => {
    for (const [key, value, expected] of [
      ["appNamespace", "default", "a namespace of the app's own"],
      ["appFrontendReplicas", "0", "expected an integer from 2 to 50"],
    ]) {
      const attempt = await attemptStack("dev-aks", { [key as string]: value });
      expect(attempt.resources).toEqual([]);
      expect(attempt.error).toBeInstanceOf(ConfigError);
      expect((attempt.error as ConfigError).message).toContain(`voting-platform:${key} = "${value}": ${expected}`);
    }
  });
});
