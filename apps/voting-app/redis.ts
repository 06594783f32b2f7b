import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { objectMeta, type AppContext } from "./context.js";
import { pinnedImagePattern } from "./images.js";
import { objectLabels, selectorLabels } from "./labels.js";
import { restrictedContainerSecurityContext, restrictedPodSecurityContext, type ImageUser } from "./pod-security.js";
import { redisPersistenceArgs } from "./redis-persistence.js";
import type { RedisSecretRef } from "./secrets.js";

export const redisPort = 6379;

/** A volume size in binary units, as a PersistentVolumeClaim requests it. */
export const storageSizePattern = /^[1-9]\d*(Mi|Gi|Ti)$/;

/** The official image's `redis` user and group (alpine variant): uid 999, gid 1000. */
export const redisImageUser: ImageUser = { uid: 999, gid: 1000 };

/**
 * The Redis container's arguments, run by the image's entrypoint (which sets a private umask): a shell
 * that starts redis-server with `redisArgs` and its password as a config file on stdin (`-`), from
 * `$REDIS_PASSWORD`. The password is on no command line: an argument such as `--requirepass
 * $(REDIS_PASSWORD)` is expanded by Kubernetes and shows in the process list and the runtime's view of
 * the container. The shell `exec`s redis-server, so Redis itself gets SIGTERM and shuts down cleanly;
 * a here-document, unlike a pipe, needs no second process, and the password (letters and digits) needs
 * no quoting in Redis's config syntax.
 */
export function redisContainerArgs(redisArgs: readonly string[]): string[] {
  const script = 'exec redis-server - "$@" <<EOF\nrequirepass $REDIS_PASSWORD\nEOF\n';
  return ["sh", "-c", script, "redis-server", ...redisArgs];
}

export interface RedisBackendArgs {
  /** The namespace, provider and readiness the app's objects use. */
  readonly context: AppContext;
  /** The Redis image, pinned by version or digest; it must run as the official image's `redis` user. */
  readonly image: string;
  /**
   * The StorageClass of the data volume.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
  /** Size of the data volume, e.g. `1Gi`. */
  readonly storageSize: string;
  /** The Secret with the password Redis requires. */
  readonly secret: RedisSecretRef;
  /**
   * CPU and memory for the Redis container.
   * @default - requests 100m CPU and 128Mi, limits 500m CPU and 512Mi
   */
  readonly resources?: k8s.types.input.core.v1.ResourceRequirements;
  /**
   * Ask the cluster's Vertical Pod Autoscaler for Redis's CPU and memory, in recommendation mode only.
   * @default false
   */
  readonly recommendResources?: boolean;
  /**
   * Annotations on the pod that keep the platform's node autoscaler from removing its node of its own
   * accord: the one Redis pod cannot move without taking the votes offline for a while. @default {}
   */
  readonly podAnnotations?: Record<string, string>;
}

/**
 * The Voting App's back end: one Redis pod in a StatefulSet, with its data on a persistent volume
 * and append-only persistence, so votes survive a pod restart or a move to another node. It requires
 * a password, and is reachable inside the cluster only, through a ClusterIP Service.
 */
export class RedisBackend extends pulumi.ComponentResource {
  /** The host name the front end connects to: the ClusterIP Service, in the app's namespace. */
  readonly host: pulumi.Output<string>;
  readonly port = redisPort;
  /** The labels of the Redis pods, for NetworkPolicies. */
  readonly podLabels: Record<string, string>;
  readonly statefulSet: k8s.apps.v1.StatefulSet;

  constructor(name: string, args: RedisBackendArgs, opts?: pulumi.ComponentResourceOptions) {
    if (!storageSizePattern.test(args.storageSize)) {
      throw new Error(`RedisBackend ${name}: storageSize must be a size such as 1Gi, got ${JSON.stringify(args.storageSize)}`);
    }
    if (!pinnedImagePattern.test(args.image) || args.image.endsWith(":latest")) {
      throw new Error(`RedisBackend ${name}: image must be pinned by version or digest, got ${JSON.stringify(args.image)}`);
    }
    super("voting-platform:apps:RedisBackend", name, {}, opts);
    const resources = args.resources ?? { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } };
    this.podLabels = selectorLabels(args.context.instance, "redis");

    const headless = this.createHeadlessService(name, args.context);
    this.statefulSet = this.createStatefulSet(name, args, resources, headless.metadata.name);
    const service = this.createService(name, args.context);
    if (args.recommendResources) this.createRecommender(name, args.context);
    this.host = service.metadata.name;
    this.registerOutputs({ host: this.host, port: this.port });
  }

  /** Gives the pod its stable DNS name (`redis-0.redis-headless`), as a StatefulSet requires. */
  private createHeadlessService(name: string, ctx: AppContext): k8s.core.v1.Service {
    return new k8s.core.v1.Service(
      `${name}-headless`,
      {
        metadata: objectMeta(ctx, "redis-headless", "redis"),
        spec: {
          clusterIP: "None",
          selector: this.podLabels,
          ports: [{ name: "redis", port: redisPort, targetPort: "redis", protocol: "TCP" }],
        },
      },
      { parent: this, provider: ctx.provider },
    );
  }

  /**
   * A VerticalPodAutoscaler that only recommends (`updateMode: Off`): evicting the one Redis pod to resize
   * it would take the votes offline, so people read the recommendation (`kubectl describe vpa`) and set
   * the resources themselves.
   */
  private createRecommender(name: string, ctx: AppContext): k8s.apiextensions.CustomResource {
    return new k8s.apiextensions.CustomResource(
      `${name}-vpa`,
      {
        apiVersion: "autoscaling.k8s.io/v1",
        kind: "VerticalPodAutoscaler",
        metadata: objectMeta(ctx, "redis", "redis"),
        spec: {
          targetRef: { apiVersion: "apps/v1", kind: "StatefulSet", name: this.statefulSet.metadata.name },
          updatePolicy: { updateMode: "Off" },
          resourcePolicy: { containerPolicies: [{ containerName: "redis", controlledResources: ["cpu", "memory"] }] },
        },
      },
      // The CRD comes with the platform's managed VPA.
      { parent: this, provider: ctx.provider, dependsOn: ctx.readiness },
    );
  }

  private createStatefulSet(
    name: string,
    args: RedisBackendArgs,
    resources: k8s.types.input.core.v1.ResourceRequirements,
    serviceName: pulumi.Output<string>,
  ): k8s.apps.v1.StatefulSet {
    const { context: ctx, secret } = args;
    const password = { secretKeyRef: { name: secret.name, key: secret.key } };
    return new k8s.apps.v1.StatefulSet(
      `${name}-statefulset`,
      {
        metadata: objectMeta(ctx, "redis", "redis"),
        spec: {
          serviceName,
          replicas: 1,
          // Claims from volumeClaimTemplates outlive their StatefulSet by default, and with them the cloud
          // disks: deleting the StatefulSet (as `pulumi destroy` does) deletes its claim and the volume.
          // Scaling down keeps it, so votes survive a scale to zero.
          persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
          selector: { matchLabels: this.podLabels },
          template: {
            metadata: { labels: objectLabels(ctx.instance, "redis"), ...(args.podAnnotations ? { annotations: args.podAnnotations } : {}) },
            spec: {
              // Redis never talks to the Kubernetes API; with a secret store it runs as the account the store trusts.
              automountServiceAccountToken: false,
              ...(secret.serviceAccountName ? { serviceAccountName: secret.serviceAccountName } : {}),
              securityContext: restrictedPodSecurityContext(redisImageUser),
              containers: [
                {
                  name: "redis",
                  image: args.image,
                  args: redisContainerArgs(redisPersistenceArgs),
                  env: [
                    // Read by the start script, which hands it to Redis on stdin.
                    { name: "REDIS_PASSWORD", valueFrom: password },
                    // redis-cli reads it, so the probe authenticates without the password on its command line.
                    { name: "REDISCLI_AUTH", valueFrom: password },
                  ],
                  ports: [{ name: "redis", containerPort: redisPort, protocol: "TCP" }],
                  // Ready once Redis answers an authenticated PING, i.e. after the append-only file is loaded.
                  readinessProbe: {
                    exec: { command: ["sh", "-c", "redis-cli -h 127.0.0.1 ping | grep -qx PONG"] },
                    initialDelaySeconds: 2,
                    periodSeconds: 5,
                    timeoutSeconds: 2,
                    failureThreshold: 3,
                  },
                  // Alive while the port is open: a long AOF load must not get the pod killed and start over.
                  livenessProbe: { tcpSocket: { port: "redis" }, initialDelaySeconds: 15, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 6 },
                  resources,
                  securityContext: restrictedContainerSecurityContext(),
                  volumeMounts: [{ name: "data", mountPath: "/data" }, ...(secret.volumeMount ? [secret.volumeMount] : [])],
                },
              ],
              volumes: secret.volume ? [secret.volume] : [],
            },
          },
          volumeClaimTemplates: [
            {
              metadata: { name: "data", labels: objectLabels(ctx.instance, "redis") },
              spec: {
                accessModes: ["ReadWriteOnce"],
                ...(args.storageClassName ? { storageClassName: args.storageClassName } : {}),
                resources: { requests: { storage: args.storageSize } },
              },
            },
          ],
        },
      },
      // Needs nodes and the CSI drivers that provision its volume and mount the secret store.
      { parent: this, provider: ctx.provider, dependsOn: ctx.readiness },
    );
  }

  /** The address the front end uses; ClusterIP, so nothing outside the cluster can reach Redis. */
  private createService(name: string, ctx: AppContext): k8s.core.v1.Service {
    return new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: objectMeta(ctx, "redis", "redis"),
        spec: {
          type: "ClusterIP",
          selector: this.podLabels,
          ports: [{ name: "redis", port: redisPort, targetPort: "redis", protocol: "TCP" }],
        },
      },
      { parent: this, provider: ctx.provider },
    );
  }
}
