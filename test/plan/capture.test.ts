import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config.js";
import { attemptProgram, attemptStack, captureProgram, type Capture } from "../../src/plan/capture.js";

const options = { project: "voting-platform", stack: "capture-test", config: {} };

class Demo extends pulumi.ComponentResource {
  constructor(name: string) {
    super("voting-platform:test:Demo", name, {});
    const provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: pulumi.secret("apiVersion: v1\nkind: Config\n") }, { parent: this });
    const namespace = new k8s.core.v1.Namespace(`${name}-ns`, {}, { parent: this, provider, protect: true });
    const secret = new k8s.core.v1.Secret(
      `${name}-secret`,
      { metadata: { namespace: namespace.metadata.name }, stringData: { password: pulumi.secret("hunter2") } },
      { parent: this, provider, ignoreChanges: ["metadata.labels"], customTimeouts: { create: "5m" } },
    );
    new k8s.core.v1.ConfigMap(`${name}-after`, { metadata: { namespace: "default" } }, { parent: this, provider, dependsOn: [secret] });
    this.registerOutputs({ namespace: namespace.metadata.name });
  }
}

describe("capture layer", () => {
  let capture: Capture;
  beforeAll(async () => {
    capture = await captureProgram(async () => {
      new Demo("demo");
      return { plain: "value", hidden: pulumi.secret("s3cret") };
    }, options);
  });

  const find = (name: string) => {
    const resource = capture.resources.find((r) => r.name === name);
    if (!resource) throw new Error(`no resource ${name}`);
    return resource;
  };

  it("records every resource with its type, name and parent", () => {
    expect(capture.resources.map((r) => [r.type, r.name])).toEqual([
      ["voting-platform:test:Demo", "demo"],
      ["pulumi:providers:kubernetes", "demo-k8s"],
      ["kubernetes:core/v1:Namespace", "demo-ns"],
      ["kubernetes:core/v1:Secret", "demo-secret"],
      ["kubernetes:core/v1:ConfigMap", "demo-after"],
    ]);
    const demo = find("demo");
    expect(capture.resources.filter((r) => r !== demo).every((r) => r.parent === demo.urn)).toBe(true);
  });

  const generatedName = (name: string) => (find(name).outputs.metadata as { name: string }).name;

  it("records the provider, the inputs and the outputs the mocks resolve", () => {
    const namespace = find("demo-ns");
    expect(namespace.provider).toBe(find("demo-k8s").urn);
    expect(namespace.inputs).toEqual({ apiVersion: "v1", kind: "Namespace" });
    expect(namespace.outputs).toMatchObject({ metadata: { name: expect.stringMatching(/^demo-ns-[0-9a-f]{8}$/) } });
    expect(find("demo-secret").inputs).toMatchObject({ metadata: { namespace: generatedName("demo-ns") } });
  });

  it("records which inputs are secret", () => {
    expect(find("demo-k8s").secretInputs).toEqual(["kubeconfig"]);
    expect(find("demo-secret").secretInputs).toEqual(["stringData"]);
  });

  it("records dependencies and the options that shape pulumi up", () => {
    const secret = find("demo-secret");
    expect(secret.dependencies).toContain(find("demo-ns").urn);
    expect(find("demo-after").dependencies).toEqual([secret.urn]);
    expect(find("demo-ns").protect).toBe(true);
    expect(secret.protect).toBe(false);
    expect(secret.ignoreChanges).toEqual(["metadata.labels"]);
    expect(secret.customTimeouts).toEqual({ create: "5m", update: undefined, delete: undefined });
  });

  it("records what components register as outputs", () => {
    expect(find("demo").registeredOutputs).toEqual({ namespace: generatedName("demo-ns") });
  });

  it("records the stack outputs with secrets marked", () => {
    expect(capture.outputs).toEqual({ plain: { value: "value", secret: false }, hidden: { value: "s3cret", secret: true } });
  });

  it("fails with the error of a failed apply, and keeps the runs apart", async () => {
    const failing = attemptProgram(async () => {
      const ns = new k8s.core.v1.Namespace("broken", {});
      ns.metadata.name.apply((name) => {
        throw new Error(`cannot use ${name}`);
      });
    }, { ...options, stack: "failing" });
    expect(String((await failing).error)).toMatch(/cannot use broken-/);
    const next = await captureProgram(async () => ({ ok: true }), { ...options, stack: "next" });
    expect(next.outputs.ok?.value).toBe(true);
  });

  it("fails on an invoke that no mock knows, instead of inventing data", async () => {
    const attempt = await attemptProgram(async () => {
      await pulumi.runtime.invoke("azure-native:unknown:getThing", {});
    }, options);
    expect(String(attempt.error)).toMatch(/no mock for the invoke azure-native:unknown:getThing/);
  });

  it("stops a stack with bad config before any resource is registered", async () => {
    const attempt = await attemptStack("dev-aks", { aksNodeCount: "0", aksVmSize: "" });
    expect(attempt.error).toBeInstanceOf(ConfigError);
    expect(String(attempt.error)).toMatch(/voting-platform:aksNodeCount = "0": expected an integer from 1 to 100/);
    expect(attempt.resources).toEqual([]);
  });
});
