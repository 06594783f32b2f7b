import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerRegistry } from "../../components/cluster-target.js";
import { objectMeta, type AppContext } from "./context.js";
import { buildFrontendImage, ownImagePort, ownImageUser } from "./frontend-image.js";
import { objectLabels, selectorLabels } from "./labels.js";
import {
  baselineContainerSecurityContext,
  restrictedContainerSecurityContext,
  restrictedPodSecurityContext,
  type PodSecurityLevel,
} from "./pod-security.js";
import { sampleImage } from "./images.js";
import type { RedisSecretRef } from "./secrets.js";

/** Ours: /healthz answers while the process serves, Redis or not. */
const ownLiveness = { initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 };

/**
 * The sample: nginx keeps port 80 open while the app behind it is gone (its main.py exits at import
 * when Redis does not answer, and supervisord gives up on it), so a TCP check passes forever and the
 * pod never recovers. Its one page is the app, which answers 502 from nginx once it is gone. The page
 * also fails while Redis is down, so the probe waits a minute and a half of failures first: a Redis
 * restart or move does not restart the front ends, and one that never came up is restarted until it does.
 */
const sampleLiveness = { initialDelaySeconds: 30, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 6 };

/** Which front end runs: Microsoft's sample image, or ours built from `frontend/`. */
export type FrontendChoice = "sample" | "own";


/** What differs between the two images, in one place. */
export interface FrontendProfile {
  port: number;
  /** The Pod Security level the image can run under. */
  podSecurity: PodSecurityLevel;
  /** The path a load balancer's health check should ask for. */
  healthCheckPath: string;
}

export function frontendProfile(choice: FrontendChoice): FrontendProfile {
  return choice === "own"
    ? { port: ownImagePort, podSecurity: "restricted", healthCheckPath: "/healthz" }
    : { port: 80, podSecurity: "baseline", healthCheckPath: "/" };
}

export interface VoteFrontendArgs {
  /** The namespace, provider and readiness the app's objects use. */
  readonly context: AppContext;
  /** The image to run. */
  readonly choice: FrontendChoice;
  /** Where our image is pushed; required when `choice` is `own`. */
  readonly registry?: ContainerRegistry;
  /** The page title (`TITLE`). */
  readonly title: string;
  /** The cluster the page names as serving it (`SERVED_BY`, our image only). @default - none */
  readonly servedBy?: string;
  /** The two choices (`VOTE1VALUE`, `VOTE2VALUE`). */
  readonly choices: readonly [string, string];
  /** The Redis host (`REDIS`). */
  readonly redisHost: pulumi.Input<string>;
  /** The Secret with the Redis password (`REDIS_PWD`). */
  readonly secret: RedisSecretRef;
  /** The fewest replicas, kept by the HorizontalPodAutoscaler; at least 2, so one can be drained. */
  readonly minReplicas: number;
  /** The most replicas the HorizontalPodAutoscaler may run. */
  readonly maxReplicas: number;
  /**
   * Labels that put the pods on Fargate, where the target offers it.
   * @default - the pods run on nodes, spread across zones and nodes
   */
  readonly fargatePodLabels?: Record<string, string>;
  /**
   * What must be ready before the front end's first pods start, such as the Redis they connect to.
   * @default []
   */
  readonly waitFor?: pulumi.Resource[];
  /**
   * More secret store volumes the pods mount so that the driver syncs their Secrets, such as the
   * Gateway's certificate; mounted as the store's ServiceAccount, which `secret` names.
   * @default []
   */
  readonly storeVolumes?: { volume: k8s.types.input.core.v1.Volume; volumeMount: k8s.types.input.core.v1.VolumeMount }[];
  /**
   * CPU and memory for the front end container.
   * @default - requests 100m CPU and 128Mi, limits 500m CPU and 256Mi
   */
  readonly resources?: k8s.types.input.core.v1.ResourceRequirements;
  /**
   * The average CPU utilization, in percent of the request, the autoscaler holds the replicas at.
   * @default 70
   */
  readonly targetCpuUtilization?: number;
}

/**
 * The vote front end: a Deployment of at least two replicas spread over zones and nodes, with a
 * PodDisruptionBudget that lets node drains take one at a time, and a HorizontalPodAutoscaler on CPU.
 */
export class VoteFrontend extends pulumi.ComponentResource {
  readonly port: number;
  readonly podSecurity: PodSecurityLevel;
  readonly healthCheckPath: string;
  /** The labels that select the front end pods, for Services and NetworkPolicies. */
  readonly podLabels: Record<string, string>;
  /** The image the pods run; by digest for our own. */
  readonly image: pulumi.Output<string>;
  readonly deployment: k8s.apps.v1.Deployment;

  constructor(name: string, args: VoteFrontendArgs, opts?: pulumi.ComponentResourceOptions) {
    if ((args.storeVolumes ?? []).length > 0 && (!args.secret.serviceAccountName || args.fargatePodLabels)) {
      throw new Error(`VoteFrontend ${name}: storeVolumes need pods on nodes, running as the secret store's ServiceAccount; the target offers neither`);
    }
    if (args.choice === "own" && !args.registry) {
      throw new Error(`VoteFrontend ${name}: choice "own" needs a registry to push the image to; the target has none`);
    }
    if (!Number.isInteger(args.minReplicas) || args.minReplicas < 2) {
      throw new Error(`VoteFrontend ${name}: minReplicas must be an integer of at least 2, got ${args.minReplicas}`);
    }
    if (!Number.isInteger(args.maxReplicas) || args.maxReplicas < args.minReplicas) {
      throw new Error(`VoteFrontend ${name}: maxReplicas must be an integer of at least minReplicas (${args.minReplicas}), got ${args.maxReplicas}`);
    }
    const targetCpuUtilization = args.targetCpuUtilization ?? 70;
    if (!Number.isInteger(targetCpuUtilization) || targetCpuUtilization < 1) {
      throw new Error(`VoteFrontend ${name}: targetCpuUtilization must be a whole percentage of at least 1, got ${targetCpuUtilization}`);
    }
    super("voting-platform:apps:VoteFrontend", name, {}, opts);
    const profile = frontendProfile(args.choice);
    const resources = args.resources ?? { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } };
    this.port = profile.port;
    this.podSecurity = profile.podSecurity;
    this.healthCheckPath = profile.healthCheckPath;
    this.podLabels = selectorLabels(args.context.instance, "frontend");

    this.image = args.registry && args.choice === "own" ? buildFrontendImage(name, args.registry, this) : pulumi.output(sampleImage);
    this.deployment = this.createDeployment(name, args, resources);
    this.createDisruptionBudget(name, args.context);
    this.createAutoscaler(name, args, targetCpuUtilization);
    this.registerOutputs({ image: this.image, port: this.port });
  }

  private createDeployment(name: string, args: VoteFrontendArgs, resources: k8s.types.input.core.v1.ResourceRequirements): k8s.apps.v1.Deployment {
    const { context: ctx } = args;
    const own = args.choice === "own";
    const onFargate = args.fargatePodLabels !== undefined;
    const env = [
      { name: "REDIS", value: args.redisHost },
      { name: "REDIS_PWD", valueFrom: { secretKeyRef: { name: args.secret.name, key: args.secret.key } } },
      { name: "TITLE", value: args.title },
      { name: "VOTE1VALUE", value: args.choices[0] },
      { name: "VOTE2VALUE", value: args.choices[1] },
      // Our server forks one worker per CPU it sees, which is the node's count, not the pod's limit:
      // one worker per pod, and the autoscaler adds pods.
      ...(own ? [{ name: "PORT", value: String(ownImagePort) }, { name: "WEB_CONCURRENCY", value: "1" }] : []),
      ...(args.servedBy !== undefined ? [{ name: "SERVED_BY", value: args.servedBy }] : []),
    ];
    // Fargate runs no DaemonSets, so no CSI driver: its pods read the synced Secret without mounting the store.
    const mountStore = args.secret.volume !== undefined && !onFargate;
    const storeVolumes = [
      ...(mountStore && args.secret.volume && args.secret.volumeMount ? [{ volume: args.secret.volume, volumeMount: args.secret.volumeMount }] : []),
      ...(args.storeVolumes ?? []),
    ];
    return new k8s.apps.v1.Deployment(
      `${name}-deployment`,
      {
        metadata: objectMeta(ctx, "vote-front", "frontend"),
        spec: {
          // No `replicas`: the HorizontalPodAutoscaler owns the count, and raises a new Deployment to its minimum.
          selector: { matchLabels: this.podLabels },
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
          template: {
            // Fargate enforces no NetworkPolicy (it runs no network policy agent): on Fargate the front
            // end's own policies do nothing, and only Redis's ingress policy, enforced on its node, still
            // holds. Security groups for pods are what fences Fargate pods on AWS.
            metadata: { labels: { ...objectLabels(ctx.instance, "frontend"), ...args.fargatePodLabels } },
            spec: {
              automountServiceAccountToken: false,
              ...(storeVolumes.length > 0 && args.secret.serviceAccountName ? { serviceAccountName: args.secret.serviceAccountName } : {}),
              ...(own ? { securityContext: restrictedPodSecurityContext(ownImageUser) } : {}),
              ...(onFargate ? {} : { topologySpreadConstraints: this.spreadConstraints() }),
              containers: [
                {
                  name: "vote-front",
                  image: this.image,
                  env,
                  ports: [{ name: "http", containerPort: this.port, protocol: "TCP" }],
                  readinessProbe: {
                    httpGet: { path: own ? "/readyz" : "/", port: "http" },
                    periodSeconds: 5,
                    timeoutSeconds: 2,
                    failureThreshold: 3,
                  },
                  livenessProbe: own ? { httpGet: { path: "/healthz", port: "http" }, ...ownLiveness } : { httpGet: { path: "/", port: "http" }, ...sampleLiveness },
                  resources,
                  securityContext: own ? restrictedContainerSecurityContext() : baselineContainerSecurityContext(),
                  volumeMounts: storeVolumes.map((v) => v.volumeMount),
                },
              ],
              volumes: storeVolumes.map((v) => v.volume),
            },
          },
        },
      },
      // Needs nodes (or the Fargate profile) to run on, and what it was told to wait for.
      { parent: this, provider: ctx.provider, dependsOn: [...ctx.readiness, ...(args.waitFor ?? [])] },
    );
  }

  /**
   * Zones first, as far as they go (ScheduleAnyway: kind, minikube and single-zone regions have no zone
   * label, and a zone short of capacity must not stop a rollout). Nodes strictly (DoNotSchedule), so a
   * node drain never takes more than its share; cordoned nodes are left out of the count (Honor), or a
   * drain would leave the evicted pod nowhere to go. Each revision is counted on its own during rollouts.
   */
  private spreadConstraints(): k8s.types.input.core.v1.TopologySpreadConstraint[] {
    const common = { maxSkew: 1, labelSelector: { matchLabels: this.podLabels }, matchLabelKeys: ["pod-template-hash"] };
    return [
      { ...common, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway" },
      { ...common, topologyKey: "kubernetes.io/hostname", whenUnsatisfiable: "DoNotSchedule", nodeTaintsPolicy: "Honor" },
    ];
  }

  /** Drains evict one front end pod at a time, so the others keep serving. */
  private createDisruptionBudget(name: string, ctx: AppContext): void {
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-pdb`,
      { metadata: objectMeta(ctx, "vote-front", "frontend"), spec: { maxUnavailable: 1, selector: { matchLabels: this.podLabels } } },
      { parent: this, provider: ctx.provider },
    );
  }

  private createAutoscaler(name: string, args: VoteFrontendArgs, targetCpuUtilization: number): void {
    new k8s.autoscaling.v2.HorizontalPodAutoscaler(
      `${name}-hpa`,
      {
        metadata: objectMeta(args.context, "vote-front", "frontend"),
        spec: {
          scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: this.deployment.metadata.name },
          minReplicas: args.minReplicas,
          maxReplicas: args.maxReplicas,
          metrics: [
            { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: targetCpuUtilization } } },
          ],
        },
      },
      { parent: this, provider: args.context.provider },
    );
  }
}
