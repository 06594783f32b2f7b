import { beforeAll, describe, expect, it } from "vitest";
import { redisPersistenceArgs } from "../../../apps/voting-app/redis-persistence.js";
import { redisContainerArgs } from "../../../apps/voting-app/redis.js";
import type { Capture, CapturedResource } from "../../../src/plan/capture.js";
import { kubernetesObjects } from "../../../src/plan/manifests.js";
import { formatViolations, validateObjects } from "../../../src/plan/validate/index.js";
import { at, attemptApp, captureApp, findResource } from "./fixtures.js";

const types = {
  namespace: "kubernetes:core/v1:Namespace",
  secret: "kubernetes:core/v1:Secret",
  service: "kubernetes:core/v1:Service",
  statefulSet: "kubernetes:apps/v1:StatefulSet",
  deployment: "kubernetes:apps/v1:Deployment",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  networkPolicy: "kubernetes:networking.k8s.io/v1:NetworkPolicy",
  secretProviderClass: "kubernetes:secrets-store.csi.x-k8s.io/v1:SecretProviderClass",
  password: "random:index/randomPassword:RandomPassword",
};

type Json = Record<string, unknown>;
const podSpec = (r: CapturedResource) => at(r, "spec.template.spec") as Json;
const container = (r: CapturedResource) => (podSpec(r).containers as Json[])[0] as Json;
const env = (r: CapturedResource) => Object.fromEntries((container(r).env as Json[]).map((e) => [e.name, e.value ?? e.valueFrom]));
const psaLevel = (c: Capture) => (at(findResource(c, types.namespace), "metadata.labels") as Record<string, string>)["pod-security.kubernetes.io/enforce"];

describe("VotingApp on a platform with a load balancer and DNS labels (AKS-like), sample image", () => {
  let capture: Capture;
  beforeAll(async () => {
    capture = await captureApp({ kind: "loadBalancerService" });
  });

  it("renders objects that pass the Kubernetes schema and every in-repo rule", () => {
    expect(formatViolations(validateObjects(kubernetesObjects(capture)))).toBe("");
  });

  it("creates every Kubernetes object through the target's provider, under the app's component", () => {
    const provider = findResource(capture, "pulumi:providers:kubernetes").urn;
    const kube = capture.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    expect(kube.length).toBeGreaterThanOrEqual(13);
    for (const r of kube) expect(r.provider, r.name).toBe(provider);
    const app = findResource(capture, "voting-platform:apps:VotingApp").urn;
    const ancestors = (r: CapturedResource): string[] => {
      const parent = capture.resources.find((p) => p.urn === r.parent);
      return parent ? [parent.urn, ...ancestors(parent)] : [];
    };
    for (const r of kube) expect(ancestors(r), r.name).toContain(app);
  });

  it("makes the workloads and the load balancer wait for the platform's readiness", () => {
    const nodes = findResource(capture, "fixture:index:NodePool").urn;
    expect(findResource(capture, types.statefulSet).dependencies).toContain(nodes);
    expect(findResource(capture, types.deployment).dependencies).toContain(nodes);
    expect(findResource(capture, types.service, "vote-endpoint-service").dependencies).toContain(nodes);
  });

  it("creates the front end once Redis answers, and deletes it before Redis", () => {
    expect(findResource(capture, types.deployment).dependencies).toContain(findResource(capture, types.statefulSet).urn);
  });

  it("deletes Redis's volume claim with its StatefulSet, and the namespace before the platform's CSI driver and nodes", () => {
    expect(at(findResource(capture, types.statefulSet), "spec.persistentVolumeClaimRetentionPolicy")).toEqual({ whenDeleted: "Delete", whenScaled: "Retain" });
    expect(findResource(capture, types.namespace).dependencies).toContain(findResource(capture, "fixture:index:NodePool").urn);
  });

  it("leaves out the ALB readiness gate label, which only an ALB Ingress exposure needs", () => {
    expect(at(findResource(capture, types.namespace), "metadata.labels")).not.toHaveProperty("elbv2.k8s.aws/pod-readiness-gate-inject");
  });

  it("holds the namespace to the baseline Pod Security level, since the sample image runs as root", () => {
    expect(at(findResource(capture, types.namespace), "metadata")).toMatchObject({
      name: "vote",
      labels: {
        "pod-security.kubernetes.io/enforce": "baseline",
        "pod-security.kubernetes.io/enforce-version": "v1.33",
        "pod-security.kubernetes.io/warn": "baseline",
        "pod-security.kubernetes.io/audit": "restricted",
      },
    });
  });

  it("runs Redis as a non-root StatefulSet with append-only persistence on the target's StorageClass", () => {
    const redis = findResource(capture, types.statefulSet);
    expect(at(redis, "spec.replicas")).toBe(1);
    expect(at(redis, "spec.serviceName")).toBe("redis-headless");
    expect(container(redis).image).toBe("redis:7.4.5-alpine");
    expect(container(redis).args).toEqual(redisContainerArgs(redisPersistenceArgs));
    expect(env(redis).REDIS_PASSWORD).toEqual({ secretKeyRef: { name: "redis-auth", key: "password" } });
    expect(container(redis).volumeMounts).toEqual([{ name: "data", mountPath: "/data" }]);
    expect(at(redis, "spec.volumeClaimTemplates")).toEqual([
      expect.objectContaining({
        spec: { accessModes: ["ReadWriteOnce"], storageClassName: "managed-csi", resources: { requests: { storage: "1Gi" } } },
      }),
    ]);
    expect(podSpec(redis).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 999, runAsGroup: 1000, fsGroup: 1000 });
    expect(container(redis).securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(container(redis).readinessProbe).toMatchObject({ exec: { command: ["sh", "-c", "redis-cli -h 127.0.0.1 ping | grep -qx PONG"] } });
    expect(container(redis).livenessProbe).toMatchObject({ tcpSocket: { port: "redis" } });
    expect(container(redis).resources).toEqual({ requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } });
  });

  it("reaches Redis through ClusterIP and headless Services only", () => {
    const services = capture.resources.filter((r) => r.type === types.service && (at(r, "metadata.name") as string).startsWith("redis"));
    expect(services.map((s) => [at(s, "metadata.name"), at(s, "spec.type") ?? "ClusterIP", at(s, "spec.clusterIP")])).toEqual([
      ["redis-headless", "ClusterIP", "None"],
      ["redis", "ClusterIP", undefined],
    ]);
  });

  it("generates the Redis password once and keeps it in a Secret, marked secret", () => {
    const password = findResource(capture, types.password);
    expect(password.inputs).toMatchObject({ length: 32, special: false });
    const secret = findResource(capture, types.secret);
    expect(at(secret, "metadata.name")).toBe("redis-auth");
    expect(secret.secretInputs).toContain("stringData");
    expect(secret.propertyDependencies.stringData).toContain(password.urn);
    expect(capture.resources.some((r) => r.type === types.secretProviderClass)).toBe(false);
  });

  it("runs the sample front end with the sample's environment, the password from the Secret, probes and limits", () => {
    const front = findResource(capture, types.deployment);
    expect(container(front).image).toBe("mcr.microsoft.com/azuredocs/azure-vote-front:v1");
    expect(env(front)).toEqual({
      REDIS: "redis",
      REDIS_PWD: { secretKeyRef: { name: "redis-auth", key: "password" } },
      TITLE: "Azure Voting App",
      VOTE1VALUE: "Cats",
      VOTE2VALUE: "Dogs",
    });
    expect(container(front).ports).toEqual([{ name: "http", containerPort: 80, protocol: "TCP" }]);
    expect(container(front).readinessProbe).toMatchObject({ httpGet: { path: "/", port: "http" } });
    // nginx keeps port 80 open after the app behind it exits: only an HTTP probe sees the 502.
    const liveness = container(front).livenessProbe as { httpGet?: unknown; tcpSocket?: unknown; periodSeconds: number; failureThreshold: number };
    expect(liveness).toMatchObject({ httpGet: { path: "/", port: "http" } });
    expect(liveness.tcpSocket).toBeUndefined();
    // The page also fails while Redis is down: a restart of Redis (a minute at most) restarts no front end.
    expect(liveness.periodSeconds * liveness.failureThreshold).toBeGreaterThanOrEqual(60);
    expect(container(front).securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false, seccompProfile: { type: "RuntimeDefault" } });
    expect(at(front, "spec.replicas")).toBeUndefined();
    expect(at(front, "spec.strategy")).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
  });

  it("spreads the front end over zones as far as they go and strictly over nodes", () => {
    const spread = podSpec(findResource(capture, types.deployment)).topologySpreadConstraints as Json[];
    expect(spread.map((c) => [c.topologyKey, c.whenUnsatisfiable, c.maxSkew])).toEqual([
      ["topology.kubernetes.io/zone", "ScheduleAnyway", 1],
      ["kubernetes.io/hostname", "DoNotSchedule", 1],
    ]);
    expect(spread[1]).toMatchObject({ nodeTaintsPolicy: "Honor", matchLabelKeys: ["pod-template-hash"] });
  });

  it("keeps at least two front ends through drains and scales them on CPU", () => {
    expect(at(findResource(capture, types.pdb), "spec")).toMatchObject({ maxUnavailable: 1 });
    expect(at(findResource(capture, types.hpa), "spec")).toEqual({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "vote-front" },
      minReplicas: 2,
      maxReplicas: 5,
      metrics: [{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 70 } } }],
    });
  });

  it("denies all traffic in the namespace but the front end's port, front end to Redis, and DNS", () => {
    const policies = Object.fromEntries(capture.resources.filter((r) => r.type === types.networkPolicy).map((r) => [at(r, "metadata.name"), at(r, "spec")]));
    const front = { "app.kubernetes.io/name": "azure-vote", "app.kubernetes.io/instance": "vote", "app.kubernetes.io/component": "frontend" };
    const redis = { ...front, "app.kubernetes.io/component": "redis" };
    expect(policies).toEqual({
      "default-deny": { podSelector: {}, policyTypes: ["Ingress", "Egress"] },
      "frontend-ingress": { podSelector: { matchLabels: front }, policyTypes: ["Ingress"], ingress: [{ ports: [{ protocol: "TCP", port: 80 }] }] },
      "frontend-egress": {
        podSelector: { matchLabels: front },
        policyTypes: ["Egress"],
        egress: [
          { to: [{ podSelector: { matchLabels: redis } }], ports: [{ protocol: "TCP", port: 6379 }] },
          {
            to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
            ports: [
              { protocol: "UDP", port: 53 },
              { protocol: "TCP", port: 53 },
            ],
          },
        ],
      },
      "redis-ingress": {
        podSelector: { matchLabels: redis },
        policyTypes: ["Ingress"],
        ingress: [{ from: [{ podSelector: { matchLabels: front } }], ports: [{ protocol: "TCP", port: 6379 }] }],
      },
    });
  });

  it("exposes the front end through a LoadBalancer Service with a DNS label, at a stable FQDN", () => {
    const service = findResource(capture, types.service, "vote-endpoint-service");
    expect(at(service, "spec.type")).toBe("LoadBalancer");
    const annotations = at(service, "metadata.annotations") as Record<string, string>;
    const label = annotations["service.beta.kubernetes.io/azure-dns-label-name"];
    expect(label).toMatch(/^fixture-vote-[0-9a-f]{6}$/);
    expect(annotations).toMatchObject({
      "service.beta.kubernetes.io/azure-load-balancer-health-probe-request-path": "/healthz",
      "pulumi.com/timeoutSeconds": "600",
    });
    expect(capture.outputs.appUrl).toEqual({ value: `http://${label}.westeurope.cloudapp.azure.com`, secret: false });
    expect(capture.outputs.appNamespace?.value).toBe("vote");
  });
});

describe("VotingApp on a load balancer platform that has no DNS zone to offer", () => {
  it("falls back to the load balancer's address for the URL", async () => {
    const capture = await captureApp({ kind: "loadBalancerService", dnsLabelDomain: false }, { dnsLabel: "my-vote" });
    const annotations = at(findResource(capture, types.service, "vote-endpoint-service"), "metadata.annotations") as Record<string, string>;
    expect(annotations["service.beta.kubernetes.io/azure-dns-label-name"]).toBe("my-vote");
    expect(capture.outputs.appUrl?.value).toBe("http://20.50.100.10");
  });
});

describe("VotingApp with a secret store (Key Vault through the Secrets Store CSI driver)", () => {
  let capture: Capture;
  beforeAll(async () => {
    capture = await captureApp({ kind: "loadBalancerService", secretStore: true });
  });

  it("syncs the store's password into the redis-auth Secret with a SecretProviderClass, and generates none", () => {
    expect(capture.resources.some((r) => r.type === types.password)).toBe(false);
    expect(capture.resources.some((r) => r.type === types.secret)).toBe(false);
    const spc = findResource(capture, types.secretProviderClass);
    expect(at(spc, "apiVersion")).toBe("secrets-store.csi.x-k8s.io/v1");
    expect(at(spc, "spec.provider")).toBe("azure");
    expect(at(spc, "spec.secretObjects")).toEqual([
      expect.objectContaining({ secretName: "redis-auth", type: "Opaque", data: [{ objectName: "redis-password", key: "password" }] }),
    ]);
    expect(at(spc, "spec.parameters")).toMatchObject({
      keyvaultName: "kv-fixture",
      objects: "array:\n  - |\n    objectName: redis-password\n    objectType: secret\n",
    });
    // The CRD comes with the platform's CSI add-on.
    expect(spc.dependencies).toContain(findResource(capture, "fixture:index:NodePool").urn);
  });

  it("mounts the CSI volume in Redis and the front end, which is what makes the driver sync the Secret", () => {
    for (const type of [types.statefulSet, types.deployment]) {
      const workload = findResource(capture, type);
      expect(podSpec(workload).volumes).toEqual([
        { name: "secrets-store", csi: { driver: "secrets-store.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: "redis-auth" } } },
      ]);
      expect(container(workload).volumeMounts).toContainEqual({ name: "secrets-store", mountPath: "/mnt/secrets-store", readOnly: true });
      expect(workload.dependencies).toContain(findResource(capture, types.secretProviderClass).urn);
    }
  });

  it("runs the pods that mount the store as the ServiceAccount the store trusts, created with its annotations", () => {
    const account = findResource(capture, "kubernetes:core/v1:ServiceAccount");
    expect(account.inputs).toMatchObject({
      metadata: { name: "secrets-reader", namespace: "vote", annotations: { "azure.workload.identity/client-id": "00000000-0000-0000-0000-000000000002" } },
      automountServiceAccountToken: false,
    });
    for (const type of [types.statefulSet, types.deployment]) {
      const workload = findResource(capture, type);
      expect(podSpec(workload).serviceAccountName).toBe("secrets-reader");
      expect(podSpec(workload).automountServiceAccountToken).toBe(false);
      expect(workload.dependencies).toContain(account.urn);
    }
  });

  it("refuses a namespace other than the one whose ServiceAccount the store trusts, before creating anything", async () => {
    const attempt = captureApp({ kind: "loadBalancerService", secretStore: true }, { namespace: "voting" });
    await expect(attempt).rejects.toThrow(/namespace must be vote, where the target's secret store trusts ServiceAccount secrets-reader, got "voting"/);
  });

  it("still passes the schema (with our SecretProviderClass schema) and every rule", () => {
    expect(formatViolations(validateObjects(kubernetesObjects(capture)))).toBe("");
  });
});

describe("VotingApp on an ALB Ingress platform with Fargate (EKS-like), our own image", () => {
  let capture: Capture;
  beforeAll(async () => {
    capture = await captureApp({ kind: "albIngress", registry: true, fargate: true }, { frontend: "own", frontendReplicas: 3, frontendMaxReplicas: 9 });
  });

  it("renders objects that pass the Kubernetes schema and every in-repo rule", () => {
    expect(formatViolations(validateObjects(kubernetesObjects(capture)))).toBe("");
  });

  it("builds our image for linux/amd64 and pushes it to the target's registry with a content tag", () => {
    const image = findResource(capture, "docker-build:index:Image");
    expect(image.inputs).toMatchObject({
      push: true,
      platforms: ["linux/amd64"],
      context: { location: "apps/voting-app/frontend" },
      dockerfile: { location: "apps/voting-app/frontend/Dockerfile" },
      registries: [{ address: "fixture.azurecr.io", username: "fixture" }],
    });
    expect(image.inputs.tags).toEqual([expect.stringMatching(/^fixture\.azurecr\.io\/vote-front:src-[0-9a-f]{12}$/)]);
    expect(image.secretInputs.some((path) => path.startsWith("registries"))).toBe(true);
  });

  it("runs the pushed image by digest, as uid 10001 at the restricted level, on port 8080 with health endpoints", () => {
    const front = findResource(capture, types.deployment);
    const ref = findResource(capture, "docker-build:index:Image").outputs.ref as string;
    expect(ref).toMatch(/@sha256:[0-9a-f]{64}$/);
    expect(container(front).image).toBe(ref);
    expect(psaLevel(capture)).toBe("restricted");
    expect(podSpec(front).securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001 });
    expect(container(front).securityContext).toMatchObject({ readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(env(front)).toMatchObject({ PORT: "8080", WEB_CONCURRENCY: "1" });
    expect(container(front).readinessProbe).toMatchObject({ httpGet: { path: "/readyz", port: "http" } });
    expect(container(front).livenessProbe).toMatchObject({ httpGet: { path: "/healthz", port: "http" } });
    expect(at(findResource(capture, types.hpa), "spec")).toMatchObject({ minReplicas: 3, maxReplicas: 9 });
  });

  it("puts the Fargate labels on the front end only, without node spreading, and keeps Redis on nodes", () => {
    const front = findResource(capture, types.deployment);
    expect(at(front, "spec.template.metadata.labels")).toMatchObject({ "voting-platform/compute": "fargate" });
    expect(at(front, "spec.selector.matchLabels")).not.toHaveProperty("voting-platform/compute");
    expect(podSpec(front).topologySpreadConstraints).toBeUndefined();
    expect(at(findResource(capture, types.statefulSet), "spec.template.metadata.labels")).not.toHaveProperty("voting-platform/compute");
  });

  it("exposes the front end through an internet-facing ALB Ingress with ip targets and our health path", () => {
    const ingress = findResource(capture, "kubernetes:networking.k8s.io/v1:Ingress");
    expect(at(ingress, "metadata.annotations")).toEqual({
      "alb.ingress.kubernetes.io/scheme": "internet-facing",
      "alb.ingress.kubernetes.io/target-type": "ip",
      "alb.ingress.kubernetes.io/listen-ports": '[{"HTTP":80}]',
      "alb.ingress.kubernetes.io/healthcheck-path": "/healthz",
      "alb.ingress.kubernetes.io/load-balancer-attributes": "idle_timeout.timeout_seconds=60",
      "pulumi.com/timeoutSeconds": "900",
    });
    expect(at(ingress, "spec.ingressClassName")).toBe("alb");
    expect(at(findResource(capture, types.service, "vote-endpoint-service"), "spec.type")).toBe("ClusterIP");
    expect(capture.outputs.appUrl?.value).toMatch(/^http:\/\/k8s-vote-front-[0-9a-f]+-\d+\.elb\.amazonaws\.com$/);
  });

  it("labels the namespace for the controller's pod readiness gates, so rollouts wait for healthy ALB targets", () => {
    expect(at(findResource(capture, types.namespace), "metadata.labels")).toMatchObject({ "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" });
  });

  it("makes the Ingress depend on the load balancer controller's release, so destroy removes the ALB first", () => {
    const ingress = findResource(capture, "kubernetes:networking.k8s.io/v1:Ingress");
    expect(ingress.dependencies).toContain(findResource(capture, "kubernetes:helm.sh/v3:Release").urn);
    expect(ingress.dependencies).toContain(findResource(capture, "fixture:index:NodePool").urn);
  });

  it("claims Redis's volume on the target's StorageClass", () => {
    const claim = (at(findResource(capture, types.statefulSet), "spec.volumeClaimTemplates") as Json[])[0];
    expect(claim).toMatchObject({ spec: { storageClassName: "gp3" } });
  });
});

describe("VotingApp on an existing cluster (NodePort Service, the cluster's default StorageClass)", () => {
  let capture: Capture;
  beforeAll(async () => {
    capture = await captureApp({ kind: "service" }, { namespace: "votes", title: "Pets", choices: ["Fish", "Birds"] });
  });

  it("renders objects that pass the Kubernetes schema and every in-repo rule", () => {
    expect(formatViolations(validateObjects(kubernetesObjects(capture)))).toBe("");
  });

  it("exposes the front end on the fixed node port, at localhost", () => {
    const service = findResource(capture, types.service, "vote-endpoint-service");
    expect(at(service, "spec")).toMatchObject({ type: "NodePort", ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP", nodePort: 30080 }] });
    expect(capture.outputs.appUrl?.value).toBe("http://localhost:30080");
  });

  it("names no StorageClass, so the cluster's default provisions Redis's volume", () => {
    const claim = (at(findResource(capture, types.statefulSet), "spec.volumeClaimTemplates") as Json[])[0] as { spec: Json };
    expect(claim.spec).not.toHaveProperty("storageClassName");
  });

  it("uses the namespace, title and choices it is given", () => {
    expect(capture.resources.filter((r) => r.type.startsWith("kubernetes:") && r.type !== types.namespace).every((r) => at(r, "metadata.namespace") === "votes")).toBe(true);
    expect(env(findResource(capture, types.deployment))).toMatchObject({ TITLE: "Pets", VOTE1VALUE: "Fish", VOTE2VALUE: "Birds" });
  });

  it("can use a LoadBalancer Service instead, with its address as the URL", async () => {
    const lb = await captureApp({ kind: "service", serviceType: "LoadBalancer" });
    const service = findResource(lb, types.service, "vote-endpoint-service");
    expect(at(service, "spec.type")).toBe("LoadBalancer");
    expect(at(service, "metadata.annotations")).toEqual({ "pulumi.com/timeoutSeconds": "600" });
    expect(lb.outputs.appUrl?.value).toBe("http://20.50.100.10");
  });
});

describe("VotingApp args", () => {
  it.each([
    [{ frontend: "own" as const }, /frontend is own, which pushes the image to the target's registry, but the existing target has none/],
    [{ choices: ["Cats", "Cats"] as [string, string] }, /choices must differ/],
    [{ choices: ["Reset", "Dogs"] as [string, string] }, /choices must not be reset/],
    [{ namespace: "Vote_App" }, /namespace must be a DNS label/],
    [{ frontendReplicas: 1 }, /frontendReplicas must be an integer of at least 2/],
    [{ frontendReplicas: 4, frontendMaxReplicas: 3 }, /frontendMaxReplicas must be an integer of at least frontendReplicas \(4\)/],
    [{ redisImage: "redis:latest" }, /redisImage must be pinned by version or digest/],
    [{ redisImage: "redis" }, /redisImage must be pinned by version or digest/],
    [{ redisStorageSize: "1GB" }, /redisStorageSize must be a size such as 1Gi/],
  ])("rejects %j before creating any Kubernetes object", async (args, message) => {
    const attempt = await attemptApp({ kind: "service" }, args);
    expect(attempt.error).toBeInstanceOf(Error);
    expect((attempt.error as Error).message).toMatch(message);
    expect(attempt.resources.filter((r) => r.type.startsWith("kubernetes:") || r.type.startsWith("voting-platform:apps:"))).toEqual([]);
  });
});
