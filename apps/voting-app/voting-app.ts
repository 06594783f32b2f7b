import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterTarget } from "../../components/cluster-target.js";
import type { AppContext } from "./context.js";
import { defaultDnsLabel, exposureNamespaceLabels, PublicEndpoint } from "./exposure.js";
import { frontendProfile, VoteFrontend, type FrontendChoice } from "./frontend.js";
import { defaultRedisImage, pinnedImagePattern } from "./images.js";
import { objectLabels } from "./labels.js";
import { AppNetworkPolicies } from "./network-policy.js";
import { podSecurityLabels } from "./pod-security.js";
import { RedisBackend, storageSizePattern } from "./redis.js";
import { RedisAuth } from "./secrets.js";
import { TlsCertificate } from "./tls.js";

export interface VotingAppArgs {
  /** The cluster to run on. Everything cloud-specific comes from it: provider, storage, exposure, registry, secrets. */
  readonly target: ClusterTarget;
  /**
   * The namespace the app gets to itself; it is created, labelled for Pod Security and locked down by
   * NetworkPolicies.
   * @default "vote"
   */
  readonly namespace?: string;
  /**
   * The page title.
   * @default "Azure Voting App"
   */
  readonly title?: string;
  /**
   * The two choices on the page; they must differ, and neither may be `reset` (the Reset button's value).
   * @default ["Cats", "Dogs"]
   */
  readonly choices?: readonly [string, string];
  /**
   * The front end image: `sample` (Microsoft's public image, which runs as root, so the namespace is
   * held to the baseline Pod Security level) or `own` (ours, built and pushed to the target's registry,
   * run at the restricted level).
   * @default "sample"
   */
  readonly frontend?: FrontendChoice;
  /**
   * The fewest front end replicas, the autoscaler's minimum; at least 2, so a node can be drained.
   * @default 2
   */
  readonly frontendReplicas?: number;
  /**
   * The most front end replicas the autoscaler may run.
   * @default 5
   */
  readonly frontendMaxReplicas?: number;
  /**
   * The Redis image, pinned by version or digest.
   * @default "redis:7.4.5-alpine"
   */
  readonly redisImage?: string;
  /**
   * The size of Redis's data volume.
   * @default "1Gi"
   */
  readonly redisStorageSize?: string;
  /**
   * The DNS label of the front end's public IP, where the target's exposure offers labels.
   * @default - `<stack>-<namespace>-<hash of project, stack and cluster name>`
   */
  readonly dnsLabel?: pulumi.Input<string>;
  /**
   * The cluster the page says served it, for one of several clusters behind one global entry, each with
   * its own Redis: ours shows it under the counts with a word on whose counts they are; the sample, which
   * has no such line, shows it in its title.
   * @default - none: a single cluster's page names no cluster
   */
  readonly servedBy?: string;
}

const namespacePattern = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/**
 * The Azure Voting App on any ClusterTarget: the vote front end and a Redis back end in a namespace of
 * their own, hardened (Pod Security, NetworkPolicies, probes, limits, non-root Redis), highly
 * available (replicas spread over zones and nodes, a PodDisruptionBudget, an autoscaler), with votes
 * on a persistent volume, and exposed the way the target exposes HTTP workloads.
 */
export class VotingApp extends pulumi.ComponentResource {
  /** Where users open the app. */
  readonly url: pulumi.Output<string>;
  readonly namespace: pulumi.Output<string>;
  /** The Redis password; a Pulumi secret. */
  readonly redisPassword: pulumi.Output<string>;

  constructor(name: string, args: VotingAppArgs, opts?: pulumi.ComponentResourceOptions) {
    const namespace = args.namespace ?? "vote";
    const title = args.title ?? "Azure Voting App";
    const choices = args.choices ?? (["Cats", "Dogs"] as const);
    const frontend = args.frontend ?? "sample";
    const frontendReplicas = args.frontendReplicas ?? 2;
    const frontendMaxReplicas = args.frontendMaxReplicas ?? 5;
    const redisImage = args.redisImage ?? defaultRedisImage;
    const redisStorageSize = args.redisStorageSize ?? "1Gi";
    checkArgs(name, { namespace, title, choices, frontend, frontendReplicas, frontendMaxReplicas, redisImage, redisStorageSize, target: args.target });
    super("voting-platform:apps:VotingApp", name, {}, opts);
    const { target } = args;

    const ns = this.createNamespace(name, namespace, frontend, target);
    const context: AppContext = { instance: name, namespace: ns.metadata.name, provider: target.provider, readiness: target.readiness };
    const auth = new RedisAuth(`${name}-redis-auth`, { context, secretStore: target.secretStore }, { parent: this });
    const redis = new RedisBackend(
      `${name}-redis`,
      {
        context,
        image: redisImage,
        storageClassName: target.storageClassName,
        storageSize: redisStorageSize,
        secret: auth.secret,
        recommendResources: target.verticalPodAutoscaler ?? false,
        podAnnotations: target.pinnedPodAnnotations,
      },
      { parent: this },
    );
    const exposure = target.exposure;
    const tls = exposure.kind === "gateway" ? new TlsCertificate(`${name}-tls`, { context, certificate: exposure.certificate }, { parent: this }) : undefined;
    const front = new VoteFrontend(
      `${name}-front`,
      {
        context,
        choice: frontend,
        registry: target.registry,
        title: args.servedBy !== undefined && frontend === "sample" ? `${title} · ${args.servedBy}` : title,
        servedBy: frontend === "own" ? args.servedBy : undefined,
        choices,
        redisHost: redis.host,
        secret: auth.secret,
        minReplicas: frontendReplicas,
        maxReplicas: frontendMaxReplicas,
        fargatePodLabels: target.fargate?.podLabels,
        storeVolumes: tls ? [{ volume: tls.volume, volumeMount: tls.volumeMount }] : [],
        // The sample connects to Redis when it starts and exits if Redis does not answer; ours starts
        // unready. Waiting for the StatefulSet, which Pulumi reports created only once Redis answers an
        // authenticated PING, lets the first front ends start against a running Redis instead of
        // restarting until it is there; and destroy stops the front ends before Redis.
        waitFor: [redis.statefulSet],
      },
      { parent: this },
    );
    new AppNetworkPolicies(
      `${name}-network`,
      { context, frontend: { podLabels: front.podLabels, port: front.port }, redis: { podLabels: redis.podLabels, port: redis.port } },
      { parent: this },
    );
    const endpoint = new PublicEndpoint(
      `${name}-endpoint`,
      {
        context,
        exposure,
        podLabels: front.podLabels,
        tlsSecretName: tls?.secretName,
        healthCheckPath: front.healthCheckPath,
        dnsLabel: args.dnsLabel ?? target.name.apply((cluster) => defaultDnsLabel(pulumi.getProject(), pulumi.getStack(), namespace, cluster)),
      },
      { parent: this },
    );

    this.url = endpoint.url;
    this.namespace = ns.metadata.name;
    this.redisPassword = auth.password;
    this.registerOutputs({ url: this.url, namespace: this.namespace, redisPassword: this.redisPassword });
  }

  /**
   * The namespace, held to the Pod Security level the front end image allows: `restricted` for ours,
   * `baseline` for the sample, whose image runs as root (nginx, uWSGI and supervisord start as root
   * and bind port 80), which the restricted level forbids. Redis meets `restricted` either way. It also
   * carries what the target's exposure asks of it (readiness gates behind an ALB).
   */
  private createNamespace(name: string, namespace: string, frontend: FrontendChoice, target: ClusterTarget): k8s.core.v1.Namespace {
    return new k8s.core.v1.Namespace(
      `${name}-namespace`,
      {
        metadata: {
          name: namespace,
          labels: { ...objectLabels(name), ...podSecurityLabels(frontendProfile(frontend).podSecurity), ...exposureNamespaceLabels(target.exposure) },
        },
      },
      // Deleting the namespace deletes what is left in it, the volume claims above all, whose disks only
      // the platform's CSI driver deletes: on destroy the namespace must be gone while the driver and the
      // nodes still run, so it waits for them like the workloads.
      { parent: this, provider: target.provider, dependsOn: target.readiness },
    );
  }
}

/** Invalid args fail before anything is registered, naming the arg. */
function checkArgs(
  name: string,
  args: Required<Omit<VotingAppArgs, "dnsLabel" | "servedBy">>,
): void {
  const fail = (arg: string, message: string) => {
    throw new Error(`VotingApp ${name}: ${arg} ${message}`);
  };
  if (!namespacePattern.test(args.namespace)) fail("namespace", `must be a DNS label (lowercase letters, digits, hyphens), got ${JSON.stringify(args.namespace)}`);
  if (args.title.trim() === "") fail("title", "must not be empty");
  const [first, second] = args.choices;
  if (first.trim() === "" || second.trim() === "") fail("choices", "must not be blank");
  if (first === second) fail("choices", `must differ, both are ${JSON.stringify(first)}`);
  if (args.choices.some((c) => c.toLowerCase() === "reset")) fail("choices", "must not be reset, the Reset button's value");
  if (args.frontend !== "sample" && args.frontend !== "own") fail("frontend", `must be sample or own, got ${JSON.stringify(args.frontend)}`);
  if (args.frontend === "own" && !args.target.registry) {
    fail("frontend", `is own, which pushes the image to the target's registry, but the ${args.target.kind} target has none; use sample`);
  }
  if (!Number.isInteger(args.frontendReplicas) || args.frontendReplicas < 2) {
    fail("frontendReplicas", `must be an integer of at least 2, so a node can be drained, got ${args.frontendReplicas}`);
  }
  if (!Number.isInteger(args.frontendMaxReplicas) || args.frontendMaxReplicas < args.frontendReplicas) {
    fail("frontendMaxReplicas", `must be an integer of at least frontendReplicas (${args.frontendReplicas}), got ${args.frontendMaxReplicas}`);
  }
  if (!pinnedImagePattern.test(args.redisImage) || args.redisImage.endsWith(":latest")) {
    fail("redisImage", `must be pinned by version or digest, got ${JSON.stringify(args.redisImage)}`);
  }
  if (args.target.exposure.kind === "gateway" && (!args.target.secretStore || args.target.fargate)) {
    fail("target", `exposes the app through a Gateway, whose certificate the front end mounts from a secret store; the ${args.target.kind} target has none`);
  }
  const store = args.target.secretStore?.serviceAccount;
  if (store && store.namespace !== args.namespace) {
    fail("namespace", `must be ${store.namespace}, where the target's secret store trusts ServiceAccount ${store.name}, got ${JSON.stringify(args.namespace)}`);
  }
  if (!storageSizePattern.test(args.redisStorageSize)) fail("redisStorageSize", `must be a size such as 1Gi, got ${JSON.stringify(args.redisStorageSize)}`);
}
