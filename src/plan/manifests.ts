import type { Capture, CapturedResource, Properties } from "./capture.js";

/** A Kubernetes object as `pulumi up` would send it to the API server. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: Properties & { name: string; namespace?: string };
  [field: string]: unknown;
}

/** Custom Kubernetes resources that are objects in the cluster (not Helm releases or providers). */
export function isKubernetesObject(resource: CapturedResource): boolean {
  return resource.custom && resource.type.startsWith("kubernetes:") && !resource.type.startsWith("kubernetes:helm.sh/");
}

/** Fields the API server owns; they are not part of what the program applies. */
const serverOwnedMetadata = ["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"];

/**
 * Every Kubernetes object the program would apply, with names as the provider resolves them
 * (auto-named objects get their generated name) and without the status the cluster fills in.
 */
export function kubernetesObjects(capture: Capture): KubeObject[] {
  return capture.resources.filter(isKubernetesObject).map((resource) => {
    const object: Properties = { ...resource.inputs, ...pick(resource.outputs, ["metadata"]) };
    delete object.status;
    const metadata = { ...(object.metadata as Properties) };
    for (const field of serverOwnedMetadata) delete metadata[field];
    return { ...object, metadata } as KubeObject;
  });
}

function pick(properties: Properties, keys: string[]): Properties {
  return Object.fromEntries(keys.filter((k) => k in properties).map((k) => [k, properties[k]]));
}

/** A short reference to an object for messages: `Deployment vote/vote-front`. */
export function describeObject(object: KubeObject): string {
  const { name, namespace } = object.metadata;
  return `${object.kind} ${namespace ? `${namespace}/` : ""}${name}`;
}
