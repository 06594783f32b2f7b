import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it } from "vitest";
import type { ClusterTarget } from "../../../components/cluster-target.js";
import { ecrLifecyclePolicy } from "../../../components/aws/ecr-registry.js";
import { EksCluster } from "../../../components/aws/eks-cluster.js";
import { captureProgram, type Capture } from "../../../src/plan/capture.js";
import { all, one } from "../../support/capture-helpers.js";

/** What an app does with the target, recorded so the test can compare it with what was registered. */
interface Seen {
  target?: ClusterTarget;
  repositoryUrl?: string;
  credentials?: { username: string; password: string };
}

async function run(disposable: boolean, seen: Seen): Promise<Capture> {
  return captureProgram(
    async () => {
      const cluster = new EksCluster("test", {
        clusterName: "test-cluster",
        region: "eu-west-1",
        kubernetesVersion: "1.35",
        azCount: 2,
        natGateways: "single",
        publicAccessCidrs: ["198.51.100.0/24"],
        bootstrapCreatorAdmin: true,
        disposable,
        protect: !disposable,
      });
      seen.target = cluster.target;
      const app = new pulumi.ComponentResource("test:app:App", "app", {});
      const registry = cluster.target.registry;
      if (!registry) throw new Error("the EKS target offers no registry");
      registry.repository("vote-frontend", app).apply((url) => (seen.repositoryUrl = url));
      registry.credentials.apply((c) => (seen.credentials = c));
      return { credentials: registry.credentials };
    },
    { project: "voting-platform", stack: "test", config: { "aws:region": "eu-west-1" } },
  );
}

const devSeen: Seen = {};
const prodSeen: Seen = {};
let dev: Capture;
let prod: Capture;
beforeAll(async () => {
  dev = await run(true, devSeen);
  prod = await run(false, prodSeen);
});

const urnOf = (resource: pulumi.Resource) => new Promise<string>((resolve) => resource.urn.apply(resolve));

describe("the EKS ClusterTarget", () => {
  it("exposes apps through ALB Ingresses that depend on the controller's release", async () => {
    const target = devSeen.target as ClusterTarget;
    expect(target.kind).toBe("eks");
    expect(target.exposure.kind).toBe("albIngress");
    if (target.exposure.kind !== "albIngress") return;
    expect(target.exposure.ingressClassName).toBe("alb");
    expect(await Promise.all(target.exposure.dependsOn.map(urnOf))).toEqual([one(dev, "kubernetes:helm.sh/v3:Release", "lb-controller-release").urn]);
  });

  it("is ready once node groups, add-ons, the Fargate profile, the controller and the StorageClass are", async () => {
    const target = devSeen.target as ClusterTarget;
    const readiness = await Promise.all(target.readiness.map(urnOf));
    const expected = [
      ...all(dev, "aws:eks/nodeGroup:NodeGroup"),
      ...all(dev, "aws:eks/addon:Addon"),
      one(dev, "aws:eks/fargateProfile:FargateProfile"),
      one(dev, "kubernetes:helm.sh/v3:Release", "lb-controller-release"),
      // The component's default compute: the Cluster Autoscaler over its node groups.
      one(dev, "kubernetes:helm.sh/v3:Release", "cluster-autoscaler-release"),
      one(dev, "kubernetes:storage.k8s.io/v1:StorageClass"),
    ].map((r) => r.urn);
    expect(readiness.sort()).toEqual(expected.sort());
    expect(target.storageClassName).toBe("gp3");
    expect(target.fargate?.podLabels).toEqual({ "voting-platform/compute": "fargate" });
    expect(await urnOf(target.provider)).toBe(one(dev, "pulumi:providers:kubernetes").urn);
  });

  it("creates an ECR repository per image under the caller, scanned on push, and returns its URL", () => {
    const repository = one(dev, "aws:ecr/repository:Repository");
    expect(repository.parent).toBe(dev.resources.find((r) => r.type === "test:app:App")?.urn);
    expect(repository.inputs).toMatchObject({ name: "test-cluster/vote-frontend", imageScanningConfiguration: { scanOnPush: true } });
    expect(devSeen.repositoryUrl).toBe("123456789012.dkr.ecr.eu-west-1.amazonaws.com/test-cluster/vote-frontend");
  });

  it("lets dev re-push tags and prod not; destroy deletes repositories with their images, unless protected", () => {
    const dev0 = one(dev, "aws:ecr/repository:Repository");
    const prod0 = one(prod, "aws:ecr/repository:Repository");
    expect(dev0.inputs).toMatchObject({ forceDelete: true, imageTagMutability: "MUTABLE" });
    expect(prod0.inputs).toMatchObject({ forceDelete: true, imageTagMutability: "IMMUTABLE" });
    expect([dev0.protect, prod0.protect]).toEqual([false, true]);
  });

  it("gives each repository a lifecycle policy that expires untagged images and keeps 20 tagged ones", () => {
    for (const c of [dev, prod]) {
      const lifecycle = one(c, "aws:ecr/lifecyclePolicy:LifecyclePolicy");
      expect(lifecycle.inputs.repository).toBe("test-cluster/vote-frontend");
      expect(lifecycle.parent).toBe(one(c, "aws:ecr/repository:Repository").parent);
      expect(JSON.parse(String(lifecycle.inputs.policy))).toEqual(ecrLifecyclePolicy());
      expect(ecrLifecyclePolicy().rules.map((r) => [r.selection.tagStatus, r.selection.countType, r.selection.countNumber])).toEqual([
        ["untagged", "sinceImagePushed", 7],
        ["tagged", "imageCountMoreThan", 20],
      ]);
    }
  });

  it("builds the same kubeconfig on every run from the cluster's stable fields, so the provider is never replaced", () => {
    const kubeconfig = (c: Capture) => one(c, "pulumi:providers:kubernetes").inputs.kubeconfig;
    expect(kubeconfig(dev)).toBe(kubeconfig(prod));
    expect(String(kubeconfig(dev))).not.toMatch(/token:|password/);
  });

  it("hands out push credentials from an ECR token, as a secret", () => {
    expect(devSeen.credentials?.username).toBe("AWS");
    expect(dev.invokes.map((i) => i.token)).toContain("aws:ecr/getAuthorizationToken:getAuthorizationToken");
    expect(dev.outputs.credentials?.secret).toBe(true);
  });
});
