import type { Inputs, MockContext, MockModule } from "./types.js";

function record(value: unknown): Inputs {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Inputs) : {};
}

/** The node port range of a default API server. */
const nodePorts = { first: 30000, count: 2768 };

/**
 * A Service's spec as the API server fills it in: a cluster IP unless headless, and a node port for
 * every port of a NodePort or LoadBalancer Service that names none, drawn from the default range.
 */
function serviceSpec(spec: Inputs, seed: string, ctx: MockContext): Inputs {
  const type = typeof spec.type === "string" ? spec.type : "ClusterIP";
  const hex = (salt: string) => Number.parseInt(ctx.suffix(`${salt}/${seed}`), 16);
  const clusterIP = spec.clusterIP ?? `10.0.${hex("ip") % 250}.${(hex("ip-host") % 250) + 2}`;
  const ports = Array.isArray(spec.ports) ? spec.ports.map(record) : [];
  const withNodePorts =
    type === "NodePort" || type === "LoadBalancer"
      ? ports.map((port, i) => ({ ...port, nodePort: port.nodePort ?? nodePorts.first + (hex(`port/${i}`) % nodePorts.count) }))
      : ports;
  return { ...spec, type, clusterIP, ports: withNodePorts };
}

/**
 * Kubernetes objects come back as the API server would return them: the name auto-generated where
 * none was given (as the provider does, `<name>-<suffix>`), a uid, and the status a running cluster fills
 * in for load balancers.
 */
function kubernetesObject(type: string, name: string, inputs: Inputs, ctx: MockContext) {
  const metadata = record(inputs.metadata);
  const objectName = typeof metadata.name === "string" ? metadata.name : `${name}-${ctx.suffix(`${type}/${name}`)}`;
  const namespace = typeof metadata.namespace === "string" ? metadata.namespace : undefined;
  const state: Inputs = {
    ...inputs,
    metadata: { ...metadata, name: objectName, uid: ctx.suffix(`uid/${type}/${name}`) },
  };
  const spec = record(inputs.spec);
  if (type === "kubernetes:core/v1:Service") {
    state.spec = serviceSpec(spec, `${namespace ?? ""}/${objectName}`, ctx);
  }
  if (type === "kubernetes:core/v1:Service" && spec.type === "LoadBalancer") {
    state.status = { loadBalancer: { ingress: [{ ip: "20.50.100.10" }] } };
  }
  if (type === "kubernetes:networking.k8s.io/v1:Ingress") {
    // Seeded by the logical name too: two clusters' Ingresses of one name (a fleet's) get two ALBs.
    const host = `k8s-${objectName.slice(0, 20)}-${ctx.suffix(`${name}/${objectName}`)}-1234567890.elb.amazonaws.com`;
    state.status = { loadBalancer: { ingress: [{ hostname: host }] } };
  }
  return { id: namespace ? `${namespace}/${objectName}` : objectName, state };
}

export const kubernetesMocks: MockModule = {
  newResource({ type, name, inputs }, ctx) {
    if (type.startsWith("pulumi:providers:")) {
      return { id: ctx.suffix(`provider/${type}/${name}`).padEnd(32, "0"), state: inputs };
    }
    if (type.startsWith("kubernetes:") && !type.startsWith("kubernetes:helm.sh/")) {
      return kubernetesObject(type, name, inputs, ctx);
    }
    if (type.startsWith("kubernetes:helm.sh/v3:Release")) {
      const releaseName = typeof inputs.name === "string" ? inputs.name : `${name}-${ctx.suffix(name)}`;
      return {
        id: `${String(inputs.namespace ?? "default")}/${releaseName}`,
        state: { ...inputs, name: releaseName, status: { name: releaseName, status: "deployed", revision: 1 } },
      };
    }
    return undefined;
  },
};
