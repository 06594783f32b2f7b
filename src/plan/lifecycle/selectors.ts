import type { CapturedResource, Properties } from "../capture.js";

/**
 * What the lifecycle rules recognise in a capture, by what a resource is (its type and inputs), never
 * by the name the program gave it, so that the rules hold for any stack, forked or new.
 */

type Resource = CapturedResource;

const record = (value: unknown): Properties => (typeof value === "object" && value !== null ? (value as Properties) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/** A Kubernetes object of this kind (`Ingress`, `Service`...), not a provider or a Helm release. */
export function isKube(resource: Resource, kind: string): boolean {
  return resource.custom && resource.type.startsWith("kubernetes:") && resource.type.endsWith(`:${kind}`);
}

/** Every object the Kubernetes provider applies or installs: objects and Helm releases. */
export function isKubernetesManaged(resource: Resource): boolean {
  return resource.custom && resource.type.startsWith("kubernetes:");
}

export function metadata(resource: Resource): { name?: string; namespace?: string } {
  const meta = record(resource.inputs.metadata);
  return { name: text(meta.name), namespace: text(meta.namespace) };
}

const spec = (resource: Resource): Properties => record(resource.inputs.spec);

export function isLoadBalancerService(resource: Resource): boolean {
  return isKube(resource, "Service") && spec(resource).type === "LoadBalancer";
}

/** A StatefulSet whose claims (and so cloud disks) are made from templates. */
export function ownsVolumes(resource: Resource): boolean {
  return isKube(resource, "StatefulSet") && list(spec(resource).volumeClaimTemplates).length > 0;
}

/** The StorageClasses a StatefulSet's claim templates name. */
export function claimedStorageClasses(resource: Resource): string[] {
  return list(spec(resource).volumeClaimTemplates)
    .map((claim) => text(record(record(claim).spec).storageClassName))
    .filter((name): name is string => name !== undefined);
}

const workloadKinds = ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "Pod"];

/** Something that runs pods: a workload object, or a Helm release (its charts run controllers). */
export function runsPods(resource: Resource): boolean {
  return workloadKinds.some((kind) => isKube(resource, kind)) || isHelmRelease(resource);
}

export function isHelmRelease(resource: Resource, chart?: string): boolean {
  return resource.custom && resource.type.startsWith("kubernetes:helm.sh/") && (chart === undefined || resource.inputs.chart === chart);
}

/** The pod template of a workload, for its labels and volumes. */
export function podTemplate(resource: Resource): { labels: Record<string, string>; volumes: Properties[] } {
  const template = record(spec(resource).template);
  return {
    labels: record(record(template.metadata).labels) as Record<string, string>,
    volumes: list(record(template.spec).volumes).map(record),
  };
}

/** A workload whose pods mount a Secrets Store CSI volume. */
export function mountsSecretStore(resource: Resource): boolean {
  return podTemplate(resource).volumes.some((volume) => record(volume.csi).driver === "secrets-store.csi.k8s.io");
}

/** The ServiceAccount a workload's pods run as, `namespace:name`, as a federated credential's subject ends. */
export function podServiceAccount(resource: Resource): string | undefined {
  const account = text(record(record(spec(resource).template).spec).serviceAccountName);
  const namespace = metadata(resource).namespace;
  return account && namespace ? `${namespace}:${account}` : undefined;
}

/** Nodes that pods run on: EKS node groups, AKS user pools, and the AKS cluster with its system pool. */
export function providesNodes(resource: Resource): boolean {
  return ["aws:eks/nodeGroup:NodeGroup", "azure-native:containerservice:AgentPool", "azure-native:containerservice:ManagedCluster"].includes(resource.type);
}

/** A Fargate profile's selectors: the namespace and labels of the pods it runs. */
export function fargateSelectors(resource: Resource): { namespace?: string; labels: Record<string, string> }[] {
  if (resource.type !== "aws:eks/fargateProfile:FargateProfile") return [];
  return list(resource.inputs.selectors).map((s) => ({ namespace: text(record(s).namespace), labels: record(record(s).labels) as Record<string, string> }));
}

/** Whether the profile's selectors take the workload's pods. */
export function fargateRuns(profile: Resource, workload: Resource): boolean {
  const { namespace } = metadata(workload);
  const { labels } = podTemplate(workload);
  return fargateSelectors(profile).some(
    (selector) => selector.namespace === namespace && Object.entries(selector.labels).every(([key, value]) => labels[key] === value),
  );
}

const egressTypes = [
  "aws:ec2/natGateway:NatGateway",
  "aws:ec2/eip:Eip",
  "aws:ec2/route:Route",
  "aws:ec2/routeTable:RouteTable",
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/internetGateway:InternetGateway",
  "aws:ec2/vpcEndpoint:VpcEndpoint",
];

/**
 * The VPC's ways to the internet and to AWS: NAT gateways and their addresses, routes, route tables,
 * the internet gateway, and VPC endpoints (with private DNS, the path to their APIs while they exist).
 */
export function isEgressPath(resource: Resource): boolean {
  return egressTypes.includes(resource.type);
}

/** A route to the internet gateway: the public subnets' way out, which NAT gateways send through. */
export function isInternetRoute(resource: Resource): boolean {
  return resource.type === "aws:ec2/route:Route" && text(resource.inputs.gatewayId) !== undefined;
}

/** An Azure role assignment of the built-in role `roleId`. */
export function assignsRole(resource: Resource, roleId: string): boolean {
  return resource.type === "azure-native:authorization:RoleAssignment" && String(resource.inputs.roleDefinitionId).endsWith(`/roleDefinitions/${roleId}`);
}

export function isAwsIam(resource: Resource): boolean {
  return resource.type.startsWith("aws:iam/");
}

export const inputText = (resource: Resource, key: string): string | undefined => text(resource.inputs[key]);
export const outputText = (resource: Resource, key: string): string | undefined => text(resource.outputs[key]);
