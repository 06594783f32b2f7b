import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterTarget, Exposure } from "../../../components/cluster-target.js";
import { VotingApp, type VotingAppArgs } from "../../../apps/voting-app/voting-app.js";
import { attemptProgram, captureProgram, type Capture, type CaptureAttempt, type CapturedResource } from "../../../src/plan/capture.js";

/**
 * ClusterTargets for each exposure kind, built from a real Kubernetes provider under the mock runtime,
 * so the app can be tested on every kind of platform without building one.
 */
export type FixtureKind = "loadBalancerService" | "albIngress" | "service";

export interface FixtureOptions {
  kind: FixtureKind;
  /** A registry to push our image to. */
  registry?: boolean;
  /** A Key Vault style secret store. */
  secretStore?: boolean;
  /** Fargate pod labels. */
  fargate?: boolean;
  /** The DNS zone of load balancer labels (loadBalancerService only). */
  dnsLabelDomain?: boolean;
  serviceType?: "LoadBalancer" | "NodePort";
}

/** A stand-in for what a platform waits on (a node pool, an add-on): a custom resource of its own. */
class Readiness extends pulumi.CustomResource {
  constructor(name: string) {
    super("fixture:index:NodePool", name, {}, {});
  }
}

export const fixtureKubeconfig = "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n";

export function fixtureTarget(options: FixtureOptions): ClusterTarget {
  const provider = new k8s.Provider("fixture-provider", { kubeconfig: pulumi.secret(fixtureKubeconfig) });
  const nodes = new Readiness("fixture-nodes");
  let exposure: Exposure;
  switch (options.kind) {
    case "loadBalancerService":
      exposure = {
        kind: "loadBalancerService",
        annotations: { "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path": "/healthz" },
        dnsLabelAnnotation: "service.beta.kubernetes.io/azure-dns-label-name",
        dnsLabelDomain: options.dnsLabelDomain === false ? undefined : pulumi.output("westeurope.cloudapp.azure.com"),
      };
      break;
    case "albIngress": {
      const controller = new k8s.helm.v3.Release(
        "fixture-lb-controller",
        { chart: "aws-load-balancer-controller", namespace: "kube-system", version: "1.13.0" },
        { provider },
      );
      exposure = { kind: "albIngress", ingressClassName: "alb", dependsOn: [controller] };
      break;
    }
    case "service":
      exposure = { kind: "service", serviceType: options.serviceType ?? "NodePort", nodePort: 30080, nodeHost: "localhost" };
      break;
  }
  return {
    kind: options.kind === "albIngress" ? "eks" : options.kind === "service" ? "existing" : "aks",
    name: pulumi.output("fixture-cluster"),
    provider,
    kubeconfig: pulumi.secret(fixtureKubeconfig),
    exposure,
    storageClassName: options.kind === "service" ? undefined : options.kind === "albIngress" ? "gp3" : "managed-csi",
    registry: options.registry
      ? {
          server: pulumi.output("fixture.azurecr.io"),
          credentials: pulumi.secret({ username: "fixture", password: "push-token" }),
          repository: (name) => pulumi.output(`fixture.azurecr.io/${name}`),
        }
      : undefined,
    fargate: options.fargate ? { podLabels: { "voting-platform/compute": "fargate" } } : undefined,
    secretStore: options.secretStore
      ? {
          provider: "azure",
          parameters: pulumi.output<Record<string, string>>({
            keyvaultName: "kv-fixture",
            tenantID: "00000000-0000-0000-0000-000000000001",
            usePodIdentity: "false",
            clientID: "00000000-0000-0000-0000-000000000002",
          }),
          serviceAccount: {
            namespace: "vote",
            name: "secrets-reader",
            annotations: pulumi.output<Record<string, string>>({ "azure.workload.identity/client-id": "00000000-0000-0000-0000-000000000002" }),
          },
          objects: { redisPassword: "redis-password" },
          values: { redisPassword: pulumi.secret("from-the-key-vault") },
        }
      : undefined,
    readiness: [nodes],
  };
}

/** Runs the VotingApp on a fixture target under the mocks; the stack exports its URL and namespace. */
export function captureApp(options: FixtureOptions, args: Omit<VotingAppArgs, "target"> = {}): Promise<Capture> {
  return captureProgram(
    async () => {
      const app = new VotingApp("vote", { ...args, target: fixtureTarget(options) });
      return { appUrl: app.url, appNamespace: app.namespace };
    },
    { project: "voting-platform", stack: "fixture", config: {} },
  );
}

/** Like `captureApp`, but records what was registered before a failure, and the failure. */
export function attemptApp(options: FixtureOptions, args: Omit<VotingAppArgs, "target"> = {}): Promise<CaptureAttempt> {
  return attemptProgram(
    async () => {
      new VotingApp("vote", { ...args, target: fixtureTarget(options) });
    },
    { project: "voting-platform", stack: "fixture", config: {} },
  );
}

export function findResource(capture: Capture, type: string, name?: string): CapturedResource {
  const resource = capture.resources.find((r) => r.type === type && (name === undefined || r.name === name));
  if (!resource) throw new Error(`no ${type}${name ? ` named ${name}` : ""} in the capture`);
  return resource;
}

/** A nested input by path, e.g. `spec.template.spec.containers`. */
export function at(resource: CapturedResource, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], resource.inputs);
}
