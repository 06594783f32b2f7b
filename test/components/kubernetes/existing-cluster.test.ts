import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../../src/config.js";
import { attemptStack, captureStack, type Capture } from "../../../src/plan/capture.js";
import { kubernetesObjects } from "../../../src/plan/manifests.js";
import { sampleKubeconfig } from "../../../src/plan/offline-kubeconfig.js";
import { formatViolations, validateObjects } from "../../../src/plan/validate/index.js";

const minikube = `apiVersion: v1
kind: Config
clusters:
  - name: minikube
    cluster: { server: "https://192.168.49.2:8443" }
contexts:
  - name: minikube
    context: { cluster: minikube, user: minikube }
  - name: other
    context: { cluster: minikube, user: minikube }
current-context: other
users: []
`;

const dir = mkdtempSync(path.join(tmpdir(), "existing-cluster-"));
const kubeconfigFile = path.join(dir, "config");
writeFileSync(kubeconfigFile, minikube);
const emptyHome = path.join(dir, "home");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const byType = (capture: Capture, type: string) => capture.resources.filter((r) => r.type === type);
const provider = (capture: Capture) => {
  const [p] = byType(capture, "pulumi:providers:kubernetes");
  if (!p) throw new Error("no Kubernetes provider");
  return p;
};

/** The spec of Redis's volume claim template. */
function claimSpec(capture: Capture): object | undefined {
  const redis = kubernetesObjects(capture).find((o) => o.kind === "StatefulSet") as unknown as { spec: { volumeClaimTemplates: { spec: object }[] } };
  return redis.spec.volumeClaimTemplates[0]?.spec;
}

/** Runs with $KUBECONFIG and $HOME set as given, as the program reads them. */
async function withEnvironment<T>(env: { KUBECONFIG?: string; HOME: string }, run: () => Promise<T>): Promise<T> {
  const saved = { KUBECONFIG: process.env.KUBECONFIG, HOME: process.env.HOME };
  const set = (key: "KUBECONFIG" | "HOME", value: string | undefined) => (value === undefined ? delete process.env[key] : (process.env[key] = value));
  set("KUBECONFIG", env.KUBECONFIG);
  set("HOME", env.HOME);
  try {
    return await run();
  } finally {
    set("KUBECONFIG", saved.KUBECONFIG);
    set("HOME", saved.HOME);
  }
}

describe("the local stack on the offline plan's sample kubeconfig", () => {
  let capture: Capture;
  beforeAll(async () => {
    capture = await captureStack("local", {}, { offline: true });
  });

  it("is planned against the sample kubeconfig, since its file names none", () => {
    const provider = capture.resources.find((r) => r.type === "pulumi:providers:kubernetes");
    expect(provider?.inputs.kubeconfig).toBe(sampleKubeconfig);
  });

  it("creates an ExistingCluster with a provider for the kubeconfig, kept secret", () => {
    const [cluster] = byType(capture, "voting-platform:kubernetes:ExistingCluster");
    expect(cluster?.name).toBe("local");
    const p = provider(capture);
    expect(p.parent).toBe(cluster?.urn);
    expect(p.secretInputs).toContain("kubeconfig");
    expect(p.inputs).toMatchObject({ kubeconfig: sampleKubeconfig, clusterIdentifier: "kind-vote@https://127.0.0.1:6443", deleteUnreachable: "true" });
    expect(capture.outputs.kubeconfig).toEqual({ value: sampleKubeconfig, secret: true });
    expect(capture.outputs.clusterName).toEqual({ value: "kind-vote", secret: false });
  });

  it("deploys only the app, through that provider, and nothing of any cloud", () => {
    const types = new Set(capture.resources.map((r) => r.type.split(":")[0]));
    expect([...types].sort()).toEqual(["kubernetes", "pulumi", "random", "voting-platform"]);
    const kube = capture.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    expect(kube.every((r) => r.provider === provider(capture).urn)).toBe(true);
    expect(formatViolations(validateObjects(kubernetesObjects(capture)))).toBe("");
  });

  it("exposes the app on node port 30080 at localhost, with the sample image at the baseline level", () => {
    expect(capture.outputs.appUrl).toEqual({ value: "http://localhost:30080", secret: false });
    const service = kubernetesObjects(capture).find((o) => o.kind === "Service" && o.metadata.name === "vote-front");
    expect(service?.spec).toMatchObject({ type: "NodePort", ports: [{ nodePort: 30080 }] });
    const namespace = kubernetesObjects(capture).find((o) => o.kind === "Namespace");
    expect(namespace?.metadata.labels).toMatchObject({ "pod-security.kubernetes.io/enforce": "baseline" });
  });

  it("leaves the StorageClass to the cluster's default", () => {
    expect(claimSpec(capture)).not.toHaveProperty("storageClassName");
  });
});

describe("an existing cluster from a kubeconfig file", () => {
  it("reads the configured file and context, and the Service type, node host and StorageClass asked for", async () => {
    const capture = await captureStack("local", {
      existingKubeconfigPath: kubeconfigFile,
      existingContext: "minikube",
      existingServiceType: "LoadBalancer",
      existingStorageClass: "standard",
    });
    expect(provider(capture).inputs).toMatchObject({ kubeconfig: minikube, context: "minikube", clusterIdentifier: "minikube@https://192.168.49.2:8443" });
    expect(capture.outputs.appUrl?.value).toBe("http://20.50.100.10");
    expect(claimSpec(capture)).toMatchObject({ storageClassName: "standard" });
  });

  it("falls back to $KUBECONFIG and its current context, and to the node host configured", async () => {
    const capture = await withEnvironment({ KUBECONFIG: kubeconfigFile, HOME: emptyHome }, () =>
      captureStack("local", { existingNodeHost: "192.168.49.2", existingNodePort: "31000" }),
    );
    expect(provider(capture).inputs.kubeconfig).toBe(minikube);
    expect(provider(capture).inputs).not.toHaveProperty("context");
    expect(capture.outputs.appUrl?.value).toBe("http://192.168.49.2:31000");
  });
});

describe("an existing cluster whose kubeconfig cannot be used", () => {
  /** Runs the local stack, expecting a ConfigError before any resource is registered. */
  async function configError(overrides: Record<string, string>, env = { HOME: emptyHome }): Promise<ConfigError> {
    const attempt = await withEnvironment(env, () => attemptStack("local", overrides));
    expect(attempt.resources).toEqual([]);
    expect(attempt.error).toBeInstanceOf(ConfigError);
    return attempt.error as ConfigError;
  }

  it("names the default path when there is no kubeconfig on the machine", async () => {
    const error = await configError({});
    expect(error.problems).toEqual([
      {
        key: "voting-platform:existingKubeconfigPath",
        value: undefined,
        expected: expect.stringContaining(`${emptyHome}/.kube/config (the default location) does not`),
      },
    ]);
  });

  it("names the key, the value and the path of a configured file that is missing", async () => {
    const error = await configError({ existingKubeconfigPath: "/no/such/kubeconfig" });
    expect(error.message).toContain('voting-platform:existingKubeconfigPath = "/no/such/kubeconfig": a kubeconfig file that exists; /no/such/kubeconfig does not');
  });

  it("names the context asked for and the ones the kubeconfig has", async () => {
    const error = await configError({ existingKubeconfigPath: kubeconfigFile, existingContext: "kind-vote" });
    expect(error.problems).toEqual([
      { key: "voting-platform:existingContext", value: "kind-vote", expected: `one of the contexts in ${kubeconfigFile}: minikube, other` },
    ]);
  });

  it("refuses our own front end image, which needs a registry an existing cluster does not have", async () => {
    const error = await configError({ existingKubeconfig: sampleKubeconfig, appFrontend: "own" });
    expect(error.problems).toEqual([
      {
        key: "voting-platform:appFrontend",
        value: "own",
        expected: "sample: own pushes the front end image to the platform's registry, and an existing cluster has none",
      },
    ]);
  });

  it.each([
    [{ existingNodePort: "8080" }, "voting-platform:existingNodePort", "expected an integer from 30000 to 32767"],
    [{ existingServiceType: "Ingress" }, "voting-platform:existingServiceType", "expected one of LoadBalancer, NodePort"],
    [{ existingKubeconfigPath: kubeconfigFile }, "voting-platform:existingKubeconfigPath", "unset when existingKubeconfig is set: give the kubeconfig one way"],
  ])("rejects %j", async (overrides, key, expected) => {
    const error = await configError({ existingKubeconfig: sampleKubeconfig, ...overrides });
    expect(error.problems).toContainEqual({ key, value: Object.values(overrides)[0], expected });
  });
});
