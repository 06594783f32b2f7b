import { beforeAll, describe, expect, it } from "vitest";
import { captureStack, type Capture, type CapturedResource } from "../../../src/plan/capture.js";
import { kubernetesObjects } from "../../../src/plan/manifests.js";
import { listStacks, readStackConfig } from "../../../src/plan/stack-config.js";
import { formatViolations, validateObjects } from "../../../src/plan/validate/index.js";

/** One cluster each; a fleet's apps, one per member, are tested with the fleet. */
const clusterStacks = listStacks().filter((stack) => readStackConfig(stack).values["voting-platform:cloud"] !== "fleet");

const captures = new Map<string, Capture>();
beforeAll(async () => {
  for (const stack of clusterStacks) captures.set(stack, await captureStack(stack, {}, { offline: true }));
}, 60_000);

function capture(stack: string): Capture {
  const c = captures.get(stack);
  if (!c) throw new Error(`no capture of ${stack}`);
  return c;
}

const appType = "voting-platform:apps:VotingApp";
const of = (c: Capture, type: string) => c.resources.filter((r) => r.type === type);
const one = (c: Capture, type: string, name?: string): CapturedResource => {
  const found = of(c, type).find((r) => name === undefined || (r.inputs.metadata as { name?: string } | undefined)?.name === name);
  if (!found) throw new Error(`no ${type} ${name ?? ""}`);
  return found;
};
const podTemplate = (r: CapturedResource) => (r.inputs.spec as { template: { metadata: { labels: Record<string, string> }; spec: Record<string, unknown> } }).template;

describe.each(clusterStacks)("the Voting App in stack %s", (stack) => {
  it("puts every Kubernetes object of the app under the VotingApp component, through the platform's provider", () => {
    const c = capture(stack);
    const app = one(c, appType);
    const parents = new Map(c.resources.map((r) => [r.urn, r.parent]));
    const underApp = (r: CapturedResource) => {
      for (let at = r.parent; at; at = parents.get(at)) if (at === app.urn) return true;
      return false;
    };
    const objects = c.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:") && (r.inputs.metadata as { namespace?: string } | undefined)?.namespace === "vote");
    expect(objects.length).toBeGreaterThanOrEqual(12);
    expect(objects.filter((r) => !underApp(r)).map((r) => r.name)).toEqual([]);
    // All through the one provider the platform made for its cluster, never a default provider.
    const providers = [...new Set(objects.map((r) => r.provider))];
    expect(providers).toHaveLength(1);
    expect(of(c, "pulumi:providers:kubernetes").map((p) => p.urn)).toContain(providers[0]);
    expect(providers[0]).not.toMatch(/::default_/);
  });

  it("renders only objects that pass the Kubernetes schema and every in-repo rule", () => {
    expect(formatViolations(validateObjects(kubernetesObjects(capture(stack))))).toBe("");
  });

  it("creates the workloads after what the platform says must be ready", () => {
    const c = capture(stack);
    const appUrns = new Set(c.resources.filter((r) => r.urn.includes("voting-platform:apps:")).map((r) => r.urn));
    for (const type of ["kubernetes:apps/v1:StatefulSet", "kubernetes:apps/v1:Deployment"]) {
      const platformDeps = one(c, type).dependencies.filter((urn) => !appUrns.has(urn));
      if (stack === "local") expect(platformDeps).toEqual([]);
      else expect(platformDeps.length, type).toBeGreaterThan(0);
    }
  });

  it("publishes the app's URL and namespace", () => {
    const { appUrl, appNamespace } = capture(stack).outputs;
    expect(appUrl?.value).toMatch(/^http:\/\/[a-z0-9.-]+(:\d+)?$/);
    expect(appNamespace).toEqual({ value: "vote", secret: false });
  });
});

describe("the Voting App per platform", () => {
  it("on AKS: the password comes from Key Vault through a SecretProviderClass, and the URL is the DNS label's FQDN", () => {
    for (const stack of ["dev-aks", "prod-aks"]) {
      const c = capture(stack);
      expect(of(c, "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass")).toHaveLength(1);
      expect(of(c, "kubernetes:core/v1:Secret")).toHaveLength(0);
      expect(c.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword" && r.urn.includes("voting-platform:apps:"))).toEqual([]);
      const service = one(c, "kubernetes:core/v1:Service", "vote-front");
      const label = (service.inputs.metadata as { annotations: Record<string, string> }).annotations["service.beta.kubernetes.io/azure-dns-label-name"];
      expect(label).toMatch(new RegExp(`^${stack}-vote-[0-9a-f]{6}$`));
      expect(c.outputs.appUrl?.value).toBe(`http://${label}.westeurope.cloudapp.azure.com`);
    }
  });

  it("on EKS and the local cluster: the password is generated and kept in a Secret, marked secret", () => {
    for (const stack of ["dev-eks", "prod-eks", "local"]) {
      const secret = one(capture(stack), "kubernetes:core/v1:Secret", "redis-auth");
      expect(secret.secretInputs).toContain("stringData");
      expect(of(capture(stack), "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass")).toEqual([]);
    }
  });

  it("on EKS: the ALB Ingress waits for the controller's release, and only the front end runs on Fargate", () => {
    for (const stack of ["dev-eks", "prod-eks"]) {
      const c = capture(stack);
      const ingress = one(c, "kubernetes:networking.k8s.io/v1:Ingress");
      expect(ingress.dependencies).toContain(of(c, "kubernetes:helm.sh/v3:Release").find((r) => r.inputs.chart === "aws-load-balancer-controller")?.urn);
      const fargate = Object.entries(podTemplate(one(c, "kubernetes:apps/v1:Deployment")).metadata.labels).filter(([k]) => !k.startsWith("app.kubernetes.io/"));
      expect(fargate.length).toBeGreaterThan(0);
      const redisLabels = podTemplate(one(c, "kubernetes:apps/v1:StatefulSet")).metadata.labels;
      for (const [key] of fargate) expect(redisLabels).not.toHaveProperty(key);
    }
  });

  it("in dev: the sample image at the baseline level; in prod: ours, built and pushed, at the restricted level", () => {
    const level = (stack: string) =>
      (one(capture(stack), "kubernetes:core/v1:Namespace").inputs.metadata as { labels: Record<string, string> }).labels["pod-security.kubernetes.io/enforce"];
    for (const stack of ["dev-aks", "dev-eks", "local"]) {
      expect(level(stack), stack).toBe("baseline");
      expect(of(capture(stack), "docker-build:index:Image"), stack).toEqual([]);
    }
    for (const stack of ["prod-aks", "prod-eks"]) {
      expect(level(stack), stack).toBe("restricted");
      const [image] = of(capture(stack), "docker-build:index:Image");
      const podImage = (podTemplate(one(capture(stack), "kubernetes:apps/v1:Deployment")).spec.containers as { image: string }[])[0]?.image;
      expect(podImage, stack).toBe(image?.outputs.ref);
      expect(podImage, stack).toMatch(/\/vote-front:src-[0-9a-f]{12}@sha256:[0-9a-f]{64}$/);
    }
  });
});
