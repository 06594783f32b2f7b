import { describe, expect, it } from "vitest";
import type { KubeObject } from "../../src/plan/manifests.js";
import { rules, validateObjects, type Violation } from "../../src/plan/validate/index.js";

type Json = Record<string, unknown>;

const web = { app: "web" };
const db = { app: "db" };
const restrictedContainer = {
  allowPrivilegeEscalation: false,
  runAsNonRoot: true,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};
const resources = { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } };
const probe = { tcpSocket: { port: "http" } };

/** A small app that passes every rule: a restricted namespace, a web Deployment and a Redis StatefulSet. */
function validObjects(): KubeObject[] {
  const podSpec = (name: string, image: string, port: number) => ({
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: "RuntimeDefault" } },
    containers: [{ name, image, ports: [{ name: "http", containerPort: port }], resources, readinessProbe: probe, livenessProbe: probe, securityContext: restrictedContainer }],
  });
  const meta = (name: string) => ({ name, namespace: "shop" });
  // A fresh copy each time: the tests break objects in place.
  return structuredClone<KubeObject[]>([
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop", labels: { "pod-security.kubernetes.io/enforce": "restricted" } } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("web"),
      spec: { selector: { matchLabels: web }, template: { metadata: { labels: { ...web, tier: "front" } }, spec: podSpec("web", "example.com/web:1.2.3", 8080) } },
    },
    {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: meta("db"),
      spec: { serviceName: "db-headless", selector: { matchLabels: db }, template: { metadata: { labels: db }, spec: podSpec("redis", "redis:7.4.5-alpine", 6379) } },
    },
    { apiVersion: "v1", kind: "Service", metadata: meta("db-headless"), spec: { clusterIP: "None", selector: db, ports: [{ port: 6379, targetPort: "http" }] } },
    { apiVersion: "v1", kind: "Service", metadata: meta("db"), spec: { selector: db, ports: [{ port: 6379, targetPort: "http" }] } },
    { apiVersion: "v1", kind: "Service", metadata: meta("web"), spec: { type: "NodePort", selector: web, ports: [{ name: "http", port: 80, targetPort: "http", nodePort: 30080 }] } },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "Ingress",
      metadata: meta("web"),
      spec: { rules: [{ http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "web", port: { name: "http" } } } }] } }] },
    },
    { apiVersion: "policy/v1", kind: "PodDisruptionBudget", metadata: meta("web"), spec: { maxUnavailable: 1, selector: { matchLabels: web } } },
    {
      apiVersion: "autoscaling/v2",
      kind: "HorizontalPodAutoscaler",
      metadata: meta("web"),
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, minReplicas: 2, maxReplicas: 4 },
    },
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: meta("db-from-web"),
      spec: { podSelector: { matchLabels: db }, ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["web"] }] } }], ports: [{ port: 6379 }] }] },
    },
    {
      apiVersion: "secrets-store.csi.x-k8s.io/v1",
      kind: "SecretProviderClass",
      metadata: meta("db-auth"),
      spec: {
        provider: "azure",
        parameters: { keyvaultName: "kv", tenantID: "t", clientID: "c", usePodIdentity: "false", objects: "array:\n  - |\n    objectName: db-password\n    objectType: secret\n" },
        secretObjects: [{ secretName: "db-auth", type: "Opaque", data: [{ objectName: "db-password", key: "password" }] }],
      },
    },
  ]);
}

/** The valid set with one object changed. */
function broken(kind: string, name: string, change: (object: Json) => void): KubeObject[] {
  const objects = validObjects();
  const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!object) throw new Error(`no ${kind} ${name}`);
  change(object as Json);
  return objects;
}

const spec = (o: Json) => o.spec as Json;
const podSpecOf = (o: Json) => ((spec(o).template as Json).spec as Json);
const firstContainer = (o: Json) => (podSpecOf(o).containers as Json[])[0] as Json;
const rulesFired = (violations: Violation[]) => [...new Set(violations.map((v) => v.rule))];

describe("validateObjects", () => {
  it("passes a set of objects that meets the schema and every rule", () => {
    expect(validateObjects(validObjects())).toEqual([]);
  });

  it.each<[string, KubeObject[], string, RegExp]>([
    ["a schema error", broken("Deployment", "web", (o) => (spec(o).replicas = "two")), "Deployment shop/web", /spec\.replicas: must be integer/],
    ["a missing required field", broken("Deployment", "web", (o) => delete firstContainer(o).name), "Deployment shop/web", /spec\.template\.spec\.containers\.0: must have required property name/],
    ["a kind with no schema", [{ apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } }], "Widget w", /no schema for example\.com\/v1 Widget/],
    [
      "a SecretProviderClass syncing an object it does not fetch",
      broken("SecretProviderClass", "db-auth", (o) => (((spec(o).secretObjects as Json[])[0] as Json).data = [{ objectName: "other", key: "password" }])),
      "SecretProviderClass shop/db-auth",
      /other is not among the objects fetched \(db-password\)/,
    ],
    ["a SecretProviderClass without a key vault", broken("SecretProviderClass", "db-auth", (o) => delete (spec(o).parameters as Json).keyvaultName), "SecretProviderClass shop/db-auth", /keyvaultName: required/],
    [
      "a SecretProviderClass reading the vault with the nodes' identity",
      broken("SecretProviderClass", "db-auth", (o) => Object.assign(spec(o).parameters as Json, { useVMManagedIdentity: "true" })),
      "SecretProviderClass shop/db-auth",
      /useVMManagedIdentity: reads the vault with the identity every node carries/,
    ],
    ["a SecretProviderClass with no workload identity", broken("SecretProviderClass", "db-auth", (o) => delete (spec(o).parameters as Json).clientID), "SecretProviderClass shop/db-auth", /clientID: the workload identity/],
  ])("reports %s under the schema rule", (_case, objects, object, message) => {
    const violations = validateObjects(objects);
    expect(violations).toContainEqual({ object, rule: "schema", message: expect.stringMatching(message) });
  });

  it.each<[string, KubeObject[], string, string, RegExp]>([
    ["a container without probes", broken("Deployment", "web", (o) => delete firstContainer(o).livenessProbe), "probes", "Deployment shop/web", /container web: has no livenessProbe/],
    ["a container without limits", broken("StatefulSet", "db", (o) => delete (firstContainer(o).resources as Json).limits), "resources", "StatefulSet shop/db", /sets no limits\.cpu, limits\.memory/],
    [
      "a container that may escalate privileges",
      broken("Deployment", "web", (o) => delete (firstContainer(o).securityContext as Json).allowPrivilegeEscalation),
      "privilege-escalation",
      "Deployment shop/web",
      /does not set allowPrivilegeEscalation: false/,
    ],
    [
      "root in a restricted namespace",
      broken("Deployment", "web", (o) => {
        delete (podSpecOf(o).securityContext as Json).runAsNonRoot;
        delete (firstContainer(o).securityContext as Json).runAsNonRoot;
      }),
      "run-as-non-root",
      "Deployment shop/web",
      /does not set runAsNonRoot: true \(namespace shop is restricted\)/,
    ],
    [
      "kept capabilities in a restricted namespace",
      broken("Deployment", "web", (o) => delete (firstContainer(o).securityContext as Json).capabilities),
      "run-as-non-root",
      "Deployment shop/web",
      /does not drop ALL capabilities/,
    ],
    ["an image tagged latest", broken("Deployment", "web", (o) => (firstContainer(o).image = "example.com/web:latest")), "image-tag", "Deployment shop/web", /is tagged latest/],
    ["an image without a tag", broken("Deployment", "web", (o) => (firstContainer(o).image = "example.com:5000/web")), "image-tag", "Deployment shop/web", /has no tag, so it means latest/],
    ["Redis behind a LoadBalancer", broken("Service", "db", (o) => (spec(o).type = "LoadBalancer")), "redis-internal", "Service shop/db", /is of type LoadBalancer and selects the Redis pods/],
    [
      "an Ingress routing to Redis",
      broken("Ingress", "web", (o) => (spec(o).defaultBackend = { service: { name: "db", port: { number: 6379 } } })),
      "redis-internal",
      "Ingress shop/web",
      /routes to Service db, which selects the Redis pods/,
    ],
    ["a selector that misses its own pods", broken("Deployment", "web", (o) => (spec(o).selector = { matchLabels: { app: "api" } })), "selector-match", "Deployment shop/web", /does not match the pod template's labels/],
    ["a Service that selects nothing", broken("Service", "web", (o) => (spec(o).selector = { app: "webb" })), "selector-match", "Service shop/web", /matches no pods/],
    ["a PDB that selects nothing", broken("PodDisruptionBudget", "web", (o) => (spec(o).selector = { matchLabels: { app: "webb" } })), "selector-match", "PodDisruptionBudget shop/web", /matches no pods/],
    [
      "a NetworkPolicy peer that selects nothing",
      broken("NetworkPolicy", "db-from-web", (o) => (spec(o).ingress = [{ from: [{ podSelector: { matchExpressions: [{ key: "app", operator: "NotIn", values: ["web", "db"] }] } }] }])),
      "selector-match",
      "NetworkPolicy shop/db-from-web",
      /a podSelector among its peers matches no pods/,
    ],
    ["an HPA scaling nothing", broken("HorizontalPodAutoscaler", "web", (o) => ((spec(o).scaleTargetRef as Json).name = "api")), "object-reference", "HorizontalPodAutoscaler shop/web", /scales Deployment api, which does not exist/],
    ["a StatefulSet without its headless Service", broken("Service", "db-headless", (o) => delete spec(o).clusterIP), "object-reference", "StatefulSet shop/db", /is not a headless Service/],
    ["a named target port no pod has", broken("Service", "web", (o) => ((spec(o).ports as Json[])[0] = { name: "http", port: 80, targetPort: "https" })), "object-reference", "Service shop/web", /targetPort https is no container port/],
    [
      "a pod running as a ServiceAccount that does not exist",
      broken("StatefulSet", "db", (o) => (((spec(o).template as Json).spec as Json).serviceAccountName = "db-reader")),
      "object-reference",
      "StatefulSet shop/db",
      /runs as ServiceAccount db-reader, which does not exist/,
    ],
    ["an Ingress to a missing Service", broken("Ingress", "web", (o) => (spec(o).defaultBackend = { service: { name: "api", port: { number: 80 } } })), "object-reference", "Ingress shop/web", /routes to Service api, which does not exist/],
    ["a container port out of range", broken("Deployment", "web", (o) => (firstContainer(o).ports = [{ name: "http", containerPort: 70000 }])), "port-range", "Deployment shop/web", /ports out of range \(70000\)/],
    ["a node port out of range", broken("Service", "web", (o) => (((spec(o).ports as Json[])[0] as Json).nodePort = 8080)), "port-range", "Service shop/web", /nodePort 8080 is outside 30000-32767/],
  ])("reports %s", (_case, objects, rule, object, message) => {
    const violations = validateObjects(objects);
    expect(violations).toContainEqual({ object, rule, message: expect.stringMatching(message) });
  });

  it("holds only restricted namespaces to the restricted rules", () => {
    const objects = broken("Namespace", "shop", (o) => ((o.metadata as Json).labels = { "pod-security.kubernetes.io/enforce": "baseline" }));
    const web = objects.find((o) => o.kind === "Deployment") as Json;
    delete (firstContainer(web).securityContext as Json).capabilities;
    expect(rulesFired(validateObjects(objects))).toEqual([]);
  });

  it("documents every rule", () => {
    expect(rules.map((r) => r.name)).toEqual([
      "probes",
      "resources",
      "privilege-escalation",
      "run-as-non-root",
      "image-tag",
      "redis-internal",
      "selector-match",
      "object-reference",
      "port-range",
    ]);
    for (const rule of rules) expect(rule.description.length).toBeGreaterThan(30);
  });
});
