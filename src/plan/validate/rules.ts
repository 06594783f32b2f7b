import type { KubeObject } from "../manifests.js";
import {
  containers,
  imageRepository,
  isEmptySelector,
  list,
  namespaceOf,
  podTemplate,
  podTemplates,
  record,
  selectorMatches,
  stringMap,
  type Json,
  type PodTemplate,
} from "./pods.js";

/** One finding of a rule, against one object. */
export interface Finding {
  object: KubeObject;
  message: string;
}

/** An in-repo rule: a name to cite, and a check over every object the program would apply. */
export interface Rule {
  name: string;
  /** What the rule asks, for docs and reports. */
  description: string;
  check(objects: readonly KubeObject[]): Finding[];
}

const label = (c: Json) => `container ${String(c.name ?? "?")}`;

/** A finding per container of every pod template that fails `test`; `test` returns the problem or undefined. */
function perContainer(
  objects: readonly KubeObject[],
  test: (container: Json, template: PodTemplate, init: boolean) => string | undefined,
  applies: (template: PodTemplate) => boolean = () => true,
): Finding[] {
  return podTemplates(objects)
    .filter(applies)
    .flatMap((template) =>
      containers(template.spec).flatMap(({ container, init }) => {
        const problem = test(container, template, init);
        return problem ? [{ object: template.owner, message: `${label(container)}: ${problem}` }] : [];
      }),
    );
}

/** Namespaces whose Pod Security Admission label enforces the restricted level. */
function restrictedNamespaces(objects: readonly KubeObject[]): Set<string> {
  return new Set(
    objects
      .filter((o) => o.kind === "Namespace" && stringMap(o.metadata.labels)["pod-security.kubernetes.io/enforce"] === "restricted")
      .map((o) => o.metadata.name),
  );
}

/** The effective value of a security setting: the container's, else the pod's. */
function securitySetting(container: Json, template: PodTemplate, key: string): unknown {
  const own = record(container.securityContext)[key];
  return own !== undefined ? own : record(template.spec.securityContext)[key];
}

const inRange = (port: unknown, min: number, max: number) => typeof port !== "number" || (Number.isInteger(port) && port >= min && port <= max);

const probes: Rule = {
  name: "probes",
  description: "every container of a long-running pod has a readiness and a liveness probe",
  check: (objects) =>
    perContainer(
      objects,
      (c, _t, init) => {
        if (init) return undefined;
        const missing = ["readinessProbe", "livenessProbe"].filter((probe) => c[probe] === undefined);
        return missing.length > 0 ? `has no ${missing.join(" or ")}` : undefined;
      },
      (t) => t.longRunning,
    ),
};

const resources: Rule = {
  name: "resources",
  description: "every container requests and limits CPU and memory",
  check: (objects) =>
    perContainer(objects, (c) => {
      const res = record(c.resources);
      const missing = ["requests", "limits"].flatMap((kind) =>
        ["cpu", "memory"].filter((r) => record(res[kind])[r] === undefined).map((r) => `${kind}.${r}`),
      );
      return missing.length > 0 ? `sets no ${missing.join(", ")}` : undefined;
    }),
};

const privilegeEscalation: Rule = {
  name: "privilege-escalation",
  description: "no container is privileged or may escalate privileges (allowPrivilegeEscalation: false)",
  check: (objects) =>
    perContainer(objects, (c) => {
      const sc = record(c.securityContext);
      if (sc.privileged === true) return "is privileged";
      return sc.allowPrivilegeEscalation === false ? undefined : "does not set allowPrivilegeEscalation: false";
    }),
};

const runAsNonRoot: Rule = {
  name: "run-as-non-root",
  description: "in a namespace that enforces the restricted level, containers run as non-root, drop ALL capabilities and use a seccomp profile",
  check: (objects) => {
    const restricted = restrictedNamespaces(objects);
    return perContainer(
      objects,
      (c, t) => {
        const problems: string[] = [];
        if (securitySetting(c, t, "runAsNonRoot") !== true) problems.push("does not set runAsNonRoot: true");
        if (securitySetting(c, t, "runAsUser") === 0) problems.push("runs as uid 0");
        const drop = record(record(c.securityContext).capabilities).drop;
        if (!Array.isArray(drop) || !drop.includes("ALL")) problems.push("does not drop ALL capabilities");
        const seccomp = record(securitySetting(c, t, "seccompProfile")).type;
        if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") problems.push("has no RuntimeDefault or Localhost seccomp profile");
        return problems.length > 0 ? `${problems.join("; ")} (namespace ${t.namespace} is restricted)` : undefined;
      },
      (t) => restricted.has(t.namespace),
    );
  },
};

const imageTag: Rule = {
  name: "image-tag",
  description: "every image is pinned by a tag other than latest, or by digest",
  check: (objects) =>
    perContainer(objects, (c) => {
      const image = typeof c.image === "string" ? c.image : "";
      if (image === "") return "has no image";
      if (image.includes("@sha256:")) return undefined;
      const tagged = /:([\w][\w.-]*)$/.exec(image.slice(image.lastIndexOf("/") + 1));
      if (!tagged) return `image ${image} has no tag, so it means latest`;
      return tagged[1] === "latest" ? `image ${image} is tagged latest` : undefined;
    }),
};

/** Pods that run Redis: an image named redis, or a container listening on 6379. */
function isRedis(template: PodTemplate): boolean {
  return containers(template.spec).some(
    ({ container }) =>
      imageRepository(String(container.image ?? "")) === "redis" || list(container.ports).some((p) => p.containerPort === 6379),
  );
}

function servicesSelecting(objects: readonly KubeObject[], pods: PodTemplate[]): KubeObject[] {
  return objects.filter(
    (o) =>
      o.kind === "Service" &&
      Object.keys(stringMap(record(o.spec).selector)).length > 0 &&
      pods.some((p) => p.namespace === namespaceOf(o) && selectorMatches(stringMap(record(o.spec).selector), p.labels)),
  );
}

const redisInternal: Rule = {
  name: "redis-internal",
  description: "Redis is never exposed outside the cluster: no LoadBalancer, NodePort, external IP or Ingress reaches it",
  check: (objects) => {
    const redis = podTemplates(objects).filter(isRedis);
    const services = servicesSelecting(objects, redis);
    const findings: Finding[] = services.flatMap((service) => {
      const spec = record(service.spec);
      const type = String(spec.type ?? "ClusterIP");
      if (type === "LoadBalancer" || type === "NodePort") return [{ object: service, message: `is of type ${type} and selects the Redis pods` }];
      if (Array.isArray(spec.externalIPs) && spec.externalIPs.length > 0) {
        return [{ object: service, message: "has external IPs and selects the Redis pods" }];
      }
      return [];
    });
    const redisServices = new Set(services.map((s) => `${namespaceOf(s)}/${s.metadata.name}`));
    for (const ingress of objects.filter((o) => o.kind === "Ingress")) {
      for (const backend of ingressBackends(ingress)) {
        if (redisServices.has(`${namespaceOf(ingress)}/${backend.service}`)) {
          findings.push({ object: ingress, message: `routes to Service ${backend.service}, which selects the Redis pods` });
        }
      }
    }
    return findings;
  },
};

function ingressBackends(ingress: KubeObject): { service: string; port: Json }[] {
  const spec = record(ingress.spec);
  const backends = [record(spec.defaultBackend), ...list(spec.rules).flatMap((rule) => list(record(rule.http).paths).map((p) => record(p.backend)))];
  return backends
    .map((b) => record(b.service))
    .filter((s) => typeof s.name === "string")
    .map((s) => ({ service: String(s.name), port: record(s.port) }));
}

const selectorMatch: Rule = {
  name: "selector-match",
  description: "workload selectors match their own pod template; Services, PodDisruptionBudgets and NetworkPolicies select pods that exist",
  check: (objects) => {
    const pods = podTemplates(objects);
    const selectsSome = (namespace: string, selector: unknown) => pods.some((p) => p.namespace === namespace && selectorMatches(selector, p.labels));
    const findings: Finding[] = [];
    for (const object of objects) {
      const spec = record(object.spec);
      const namespace = namespaceOf(object);
      const own = podTemplate(object);
      if (own && object.kind !== "Pod" && object.kind !== "Job" && object.kind !== "CronJob" && !selectorMatches(spec.selector, own.labels)) {
        findings.push({ object, message: "spec.selector does not match the pod template's labels" });
      }
      if (object.kind === "Service" && Object.keys(stringMap(spec.selector)).length > 0 && !selectsSome(namespace, stringMap(spec.selector))) {
        findings.push({ object, message: "spec.selector matches no pods in its namespace" });
      }
      if (object.kind === "PodDisruptionBudget" && !selectsSome(namespace, spec.selector)) {
        findings.push({ object, message: "spec.selector matches no pods in its namespace" });
      }
      if (object.kind === "NetworkPolicy") {
        if (!isEmptySelector(spec.podSelector) && !selectsSome(namespace, spec.podSelector)) {
          findings.push({ object, message: "spec.podSelector matches no pods in its namespace" });
        }
        const peers = [...list(spec.ingress).flatMap((r) => list(r.from)), ...list(spec.egress).flatMap((r) => list(r.to))];
        for (const peer of peers.filter((p) => p.podSelector !== undefined && p.namespaceSelector === undefined)) {
          if (!isEmptySelector(peer.podSelector) && !selectsSome(namespace, peer.podSelector)) {
            findings.push({ object, message: "a podSelector among its peers matches no pods in its namespace" });
          }
        }
      }
    }
    return findings;
  },
};

const objectReference: Rule = {
  name: "object-reference",
  description: "names that point at other objects resolve: HPA targets, StatefulSet Services, Ingress backends, Service target ports, pods' ServiceAccounts",
  check: (objects) => {
    const find = (kind: string, namespace: string, name: unknown) =>
      objects.find((o) => o.kind === kind && namespaceOf(o) === namespace && o.metadata.name === name);
    const findings: Finding[] = [];
    for (const object of objects) {
      const spec = record(object.spec);
      const namespace = namespaceOf(object);
      if (object.kind === "HorizontalPodAutoscaler") {
        const target = record(spec.scaleTargetRef);
        if (!find(String(target.kind), namespace, target.name)) findings.push({ object, message: `scales ${String(target.kind)} ${String(target.name)}, which does not exist` });
      }
      if (object.kind === "StatefulSet") {
        const service = find("Service", namespace, spec.serviceName);
        if (!service) findings.push({ object, message: `spec.serviceName ${String(spec.serviceName)} names no Service` });
        else if (record(service.spec).clusterIP !== "None") findings.push({ object, message: `spec.serviceName ${String(spec.serviceName)} is not a headless Service` });
      }
      if (object.kind === "Ingress") {
        for (const backend of ingressBackends(object)) {
          const service = find("Service", namespace, backend.service);
          const portName = backend.port.name;
          if (!service) findings.push({ object, message: `routes to Service ${backend.service}, which does not exist` });
          else if (typeof portName === "string" && !list(record(service.spec).ports).some((p) => p.name === portName)) {
            findings.push({ object, message: `routes to port ${portName}, which Service ${backend.service} does not have` });
          }
        }
      }
      const template = podTemplate(object);
      const account = template?.spec.serviceAccountName;
      if (typeof account === "string" && account !== "default" && !find("ServiceAccount", namespace, account)) {
        findings.push({ object, message: `runs as ServiceAccount ${account}, which does not exist` });
      }
      if (object.kind === "Service") {
        const pods = objects.map(podTemplate).filter((p): p is PodTemplate => p !== undefined && p.namespace === namespace && selectorMatches(stringMap(spec.selector), p.labels));
        const named = list(spec.ports).map((p) => p.targetPort).filter((t): t is string => typeof t === "string");
        for (const target of named) {
          const served = pods.some((p) => containers(p.spec).some(({ container }) => list(container.ports).some((port) => port.name === target)));
          if (pods.length > 0 && !served) findings.push({ object, message: `targetPort ${target} is no container port of the pods it selects` });
        }
      }
    }
    return findings;
  },
};

const portRange: Rule = {
  name: "port-range",
  description: "ports are from 1 to 65535, node ports from 30000 to 32767",
  check: (objects) => {
    const findings: Finding[] = perContainer(objects, (c) => {
      const bad = list(c.ports).filter((p) => !inRange(p.containerPort, 1, 65535) || !inRange(p.hostPort, 1, 65535));
      return bad.length > 0 ? `has ports out of range (${bad.map((p) => String(p.containerPort)).join(", ")})` : undefined;
    });
    for (const object of objects) {
      const spec = record(object.spec);
      if (object.kind === "Service") {
        for (const p of list(spec.ports)) {
          if (!inRange(p.port, 1, 65535) || !inRange(p.targetPort, 1, 65535)) findings.push({ object, message: `port ${String(p.port)} -> ${String(p.targetPort)} is out of range` });
          if (!inRange(p.nodePort, 30000, 32767)) findings.push({ object, message: `nodePort ${String(p.nodePort)} is outside 30000-32767` });
        }
      }
      if (object.kind === "NetworkPolicy") {
        const rules = [...list(spec.ingress), ...list(spec.egress)];
        for (const p of rules.flatMap((r) => list(r.ports))) {
          if (!inRange(p.port, 1, 65535)) findings.push({ object, message: `port ${String(p.port)} is out of range` });
        }
      }
    }
    return findings;
  },
};

/** Every in-repo rule, in the order reports list them. */
export const rules: readonly Rule[] = [probes, resources, privilegeEscalation, runAsNonRoot, imageTag, redisInternal, selectorMatch, objectReference, portRange];
