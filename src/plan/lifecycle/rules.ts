import { karpenterCharts } from "../../../components/aws/karpenter-policy.js";
import { albControllerChart, roles } from "../../../components/azure/naming.js";
import type { CapturedResource } from "../capture.js";
import { shortName, type DependencyGraph } from "./graph.js";
import {
  assignsRole,
  claimedStorageClasses,
  fargateRuns,
  fargateSelectors,
  inputText,
  isAwsIam,
  isEgressPath,
  isHelmRelease,
  isInternetRoute,
  isKube,
  isKubernetesManaged,
  isLoadBalancerService,
  metadata,
  mountsSecretStore,
  outputText,
  ownsVolumes,
  podServiceAccount,
  providesNodes,
  runsPods,
} from "./selectors.js";

type Resource = CapturedResource;

/** What Karpenter's controller acts with besides IAM: its interruption queue and rules, and its nodes' access entry. */
const karpenterDependencyTypes = [
  "aws:sqs/queue:Queue",
  "aws:sqs/queuePolicy:QueuePolicy",
  "aws:cloudwatch/eventRule:EventRule",
  "aws:cloudwatch/eventTarget:EventTarget",
  "aws:eks/accessEntry:AccessEntry",
];
/** `first` must be deleted before `then`; a text instead of a resource names a counterpart the stack lacks. */
type Pair = [first: Resource, then: Resource | string];

/**
 * A rule of the form "`first` must be deleted before `then`": `first` must depend on `then`, directly or
 * through others, so that `pulumi destroy` deletes it while `then` still exists (and `pulumi up` creates
 * it after). Each rule says which cloud behaviour makes the order matter.
 */
export interface LifecycleRule {
  id: string;
  summary: string;
  why: string;
  pairs(graph: DependencyGraph): Pair[];
}

export interface LifecycleViolation {
  rule: string;
  /** The resource that is not deleted early enough. */
  urn: string;
  detail: string;
}

const where = (graph: DependencyGraph, test: (r: Resource) => boolean) => graph.resources.filter(test);
const cross = (firsts: Resource[], thens: Resource[]): Pair[] => firsts.flatMap((first) => thens.map((then): Pair => [first, then]));
/** Pairs with each of `thens`, or a missing counterpart when there is none. */
const crossRequired = (firsts: Resource[], thens: Resource[], missing: string): Pair[] =>
  thens.length > 0 ? cross(firsts, thens) : firsts.map((first): Pair => [first, missing]);

/** Objects whose deletion a controller carries out in the cloud: load balancers and disks. */
const cloudBacked = (r: Resource) => isKube(r, "Ingress") || isLoadBalancerService(r) || ownsVolumes(r) || isKube(r, "PersistentVolumeClaim");

/** The namespaces that hold cloud-backed objects: deleting one deletes what is left in it, claims included. */
function holdingNamespaces(graph: DependencyGraph): Resource[] {
  const names = new Set(where(graph, cloudBacked).map((r) => metadata(r).namespace));
  return where(graph, (r) => isKube(r, "Namespace") && names.has(metadata(r).name));
}

/** The controller release and the IAM it acts with. */
function withPermissions(graph: DependencyGraph, controller: Resource): Resource[] {
  const iam = [...graph.waitsFor(controller.urn)].map((urn) => graph.resource(urn)).filter((r): r is Resource => r !== undefined && isAwsIam(r));
  return [controller, ...iam];
}

/** The role a resource acts as through IRSA (`serviceAccountRoleArn`), with its policy attachments. */
function irsaPermissions(graph: DependencyGraph, resource: Resource): Resource[] {
  const roleArn = inputText(resource, "serviceAccountRoleArn");
  if (!roleArn) return [];
  const role = graph.resources.find((r) => r.type === "aws:iam/role:Role" && outputText(r, "arn") === roleArn);
  if (!role) return [];
  const roleName = outputText(role, "name");
  return [role, ...where(graph, (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" && inputText(r, "role") === roleName)];
}

/** An IAM policy on a Fargate pod execution role (one trusted by eks-fargate-pods) that lets it write logs. */
function isFargateLogPolicy(graph: DependencyGraph, r: Resource): boolean {
  if (r.type !== "aws:iam/rolePolicy:RolePolicy" || !(inputText(r, "policy") ?? "").includes("logs:PutLogEvents")) return false;
  const role = graph.resources.find((x) => x.type === "aws:iam/role:Role" && outputText(x, "name") === inputText(r, "role"));
  return (inputText(role ?? r, "assumeRolePolicy") ?? "").includes("eks-fargate-pods.amazonaws.com");
}

const addon = (name: string) => (r: Resource) => r.type === "aws:eks/addon:Addon" && r.inputs.addonName === name;

export const lifecycleRules: LifecycleRule[] = [
  {
    id: "alb-before-controller",
    summary: "ALB Ingresses before the AWS Load Balancer Controller and its IAM permissions",
    why:
      "Only the controller deletes an Ingress's ALB, target groups and security groups, through its finalizer; without the controller " +
      "(or its permissions) the Ingress hangs and the ALB stays, and the VPC's deletion fails with DependencyViolation.",
    pairs: (graph) => {
      const controllers = where(graph, (r) => isHelmRelease(r, "aws-load-balancer-controller"));
      const albIngresses = where(graph, (r) => isKube(r, "Ingress") && (r.inputs.spec as { ingressClassName?: string } | undefined)?.ingressClassName === "alb");
      return crossRequired(albIngresses, controllers.flatMap((c) => withPermissions(graph, c)), "an AWS Load Balancer Controller release");
    },
  },
  {
    id: "cloud-objects-before-egress",
    summary: "Ingresses, LoadBalancer Services, volume-owning StatefulSets and their namespaces before the VPC's ways out",
    why:
      "The Load Balancer Controller and the EBS CSI driver delete ALBs and volumes by calling the ELB and EC2 APIs from the private " +
      "subnets, through NAT, or through the VPC endpoints whose private DNS names those APIs while they exist; with the NAT gateways, " +
      "routes, internet gateway or endpoints gone, those calls fail and the cloud objects are orphaned.",
    pairs: (graph) => cross([...where(graph, cloudBacked), ...holdingNamespaces(graph)], where(graph, isEgressPath)),
  },
  {
    id: "volumes-before-csi-driver",
    summary: "Volume-owning StatefulSets and their namespaces before the EBS CSI driver and its IAM role",
    why: "The EBS CSI controller deletes a claim's volume when the claim goes; gone first, it leaves the volume behind, billed.",
    pairs: (graph) => {
      const drivers = where(graph, addon("aws-ebs-csi-driver"));
      const owners = [...where(graph, (r) => ownsVolumes(r) || isKube(r, "PersistentVolumeClaim")), ...holdingNamespaces(graph)];
      return cross(owners, drivers.flatMap((d) => [d, ...irsaPermissions(graph, d)]));
    },
  },
  {
    id: "claims-before-storage-class",
    summary: "StatefulSets before the StorageClass their claims name",
    why: "The class is created before the claims that need it, and the provisioner reads it while their volumes are deleted.",
    pairs: (graph) =>
      where(graph, ownsVolumes).flatMap((set) =>
        cross([set], where(graph, (r) => isKube(r, "StorageClass") && claimedStorageClasses(set).includes(metadata(r).name ?? ""))),
      ),
  },
  {
    id: "workloads-before-nodes",
    summary: "Workloads and Helm releases before the node groups and node pools they run on",
    why:
      "Pods are stopped, and their volumes detached, by the kubelet on their node; a node pool deleted first takes them down " +
      "unordered, and a Helm release's controller (the Load Balancer Controller) would be gone before its own clean-up.",
    pairs: (graph) => cross(where(graph, runsPods), where(graph, providesNodes)),
  },
  {
    id: "fargate-pods-before-profile",
    summary: "Workloads whose pods run on Fargate before their Fargate profile",
    why: "Fargate schedules only pods created after their profile exists, and deleting the profile deletes its running pods.",
    pairs: (graph) =>
      where(graph, (r) => fargateSelectors(r).length > 0).flatMap((profile) => cross(where(graph, (r) => runsPods(r) && fargateRuns(profile, r)), [profile])),
  },
  {
    id: "fargate-pods-after-logging",
    summary: "Workloads whose pods run on Fargate after Fargate's logging configuration and the execution role's permission to write logs",
    why:
      "Fargate reads the aws-logging ConfigMap when it starts a pod, and never again: a pod started before it exists runs without " +
      "logging (LOGGING_CONFIGMAP_NOT_FOUND) until it is replaced.",
    pairs: (graph) => {
      const logging = where(
        graph,
        (r) => (isKube(r, "ConfigMap") && metadata(r).name === "aws-logging" && metadata(r).namespace === "aws-observability") || isFargateLogPolicy(graph, r),
      );
      const runOnFargate = where(graph, (r) => runsPods(r) && where(graph, (p) => fargateSelectors(p).length > 0).some((p) => fargateRuns(p, r)));
      return logging.length > 0 ? cross(runOnFargate, logging) : [];
    },
  },
  {
    id: "nat-before-internet-route",
    summary: "NAT gateways before the public subnets' internet route, their route table associations and the internet gateway",
    why:
      "A public NAT gateway sends through the public route table to the internet gateway; deleted first, the private subnets lose " +
      "their way out while the controllers above still need it.",
    pairs: (graph) => {
      const routes = where(graph, isInternetRoute);
      const tables = new Set(routes.map((r) => inputText(r, "routeTableId")));
      const associations = where(graph, (r) => r.type === "aws:ec2/routeTableAssociation:RouteTableAssociation" && tables.has(inputText(r, "routeTableId")));
      const gateways = where(graph, (r) => r.type === "aws:ec2/internetGateway:InternetGateway");
      return cross(where(graph, (r) => r.type === "aws:ec2/natGateway:NatGateway"), [...routes, ...associations, ...gateways]);
    },
  },
  {
    id: "addons-before-their-roles",
    summary: "EKS add-ons before the IAM role and policies they act with",
    why: "An add-on's controller still calls AWS while it is removed (the EBS CSI driver deletes volumes); its role must outlive it.",
    pairs: (graph) => where(graph, (r) => r.type === "aws:eks/addon:Addon").flatMap((a) => cross([a], irsaPermissions(graph, a))),
  },
  {
    id: "controller-after-coredns",
    summary: "The AWS Load Balancer Controller before CoreDNS",
    why: "The controller's pods resolve the AWS API endpoints and its webhook Service through cluster DNS: created after CoreDNS runs, deleted before.",
    pairs: (graph) => cross(where(graph, (r) => isHelmRelease(r, "aws-load-balancer-controller")), where(graph, addon("coredns"))),
  },
  {
    id: "kubernetes-objects-before-access",
    summary: "Every Kubernetes object before the access that lets the program reach the API server",
    why:
      "The Kubernetes provider calls the API server as the deployer: through EKS access entries, or AKS RBAC Cluster Admin with Entra ID. " +
      "Without that access, deletes are refused (401 or 403) and the objects and what they hold in the cloud stay.",
    pairs: (graph) =>
      cross(
        where(graph, isKubernetesManaged),
        where(
          graph,
          // Nodes' entries (EC2_LINUX) let kubelets in, not the program.
          (r) =>
            (r.type === "aws:eks/accessEntry:AccessEntry" && (inputText(r, "type") ?? "STANDARD") === "STANDARD") ||
            r.type === "aws:eks/accessPolicyAssociation:AccessPolicyAssociation" ||
            assignsRole(r, roles.aksRbacClusterAdmin),
        ),
      ),
  },
  {
    id: "load-balancers-before-network-role",
    summary: "LoadBalancer Services before the AKS control plane's Network Contributor role on the node subnet",
    why: "AKS's cloud controller removes a Service's load balancer rules and public IP as the control-plane identity, which needs the role on a subnet of ours.",
    pairs: (graph) => {
      const subnets = new Set(
        where(graph, (r) => r.type === "azure-native:containerservice:ManagedCluster").flatMap((c) =>
          (c.inputs.agentPoolProfiles as { vnetSubnetID?: string }[] | undefined)?.map((p) => p.vnetSubnetID) ?? [],
        ),
      );
      return cross(where(graph, isLoadBalancerService), where(graph, (r) => assignsRole(r, roles.networkContributor) && subnets.has(inputText(r, "scope"))));
    },
  },
  {
    id: "data-plane-before-role",
    summary: "Key Vault secrets before the deployer's Key Vault Secrets Officer role on their vault",
    why:
      "azure-native deletes a keyvault:Secret through the vault's data plane, which a vault with RBAC authorization refuses (403) " +
      "without a data-plane role; the role must exist before the secret is written and outlive its deletion.",
    pairs: (graph) =>
      where(graph, (r) => r.type === "azure-native:keyvault:Secret").flatMap((secret) => {
        const vault = graph.resources.find((r) => r.type === "azure-native:keyvault:Vault" && outputText(r, "name") === inputText(secret, "vaultName"));
        const officers = where(graph, (r) => assignsRole(r, roles.keyVaultSecretsOfficer) && vault !== undefined && inputText(r, "scope") === vault.id);
        return crossRequired([secret], officers, "a Key Vault Secrets Officer role assignment on its vault, for the deployer");
      }),
  },
  {
    id: "workloads-after-private-endpoints",
    summary: "Workloads and SecretProviderClasses after the private endpoints, their DNS records and the zones' links to the VNet",
    why:
      "With public access off, the nodes reach Key Vault and the registry only through their private endpoints, and resolve them there only " +
      "once the zone holds the endpoint's record and is linked to the VNet; a pod started before then fails its secret mount or image pull.",
    pairs: (graph) =>
      cross(
        where(graph, (r) => runsPods(r) || isKube(r, "SecretProviderClass")),
        where(graph, (r) =>
          ["azure-native:network:PrivateEndpoint", "azure-native:network:PrivateDnsZoneGroup", "azure-native:privatedns:VirtualNetworkLink"].includes(r.type),
        ),
      ),
  },
  {
    id: "secret-store-before-identity",
    summary: "SecretProviderClasses and the pods that mount them before the identity they read Key Vault with",
    why:
      "The Secrets Store CSI driver fetches the secret with the app's workload identity when a pod mounts its volume; without the " +
      "federated credential or the Secrets User role, the mount fails and the pod never starts.",
    pairs: (graph) => {
      const mounting = where(graph, (r) => runsPods(r) && mountsSecretStore(r));
      // The credentials that let those pods' ServiceAccounts act as the identity; others (controllers') are not the store's.
      const accounts = new Set(mounting.map(podServiceAccount).filter((a): a is string => a !== undefined));
      const federates = (r: Resource) =>
        r.type === "azure-native:managedidentity:FederatedIdentityCredential" && [...accounts].some((a) => (inputText(r, "subject") ?? "").endsWith(`:${a}`));
      return cross(
        [...where(graph, (r) => isKube(r, "SecretProviderClass")), ...mounting],
        where(graph, (r) => federates(r) || assignsRole(r, roles.keyVaultSecretsUser)),
      );
    },
  },
  {
    id: "karpenter-nodes-before-controller",
    summary: "Karpenter's EC2NodeClasses and NodePools before its controller, the IAM, queue and rules it acts with, its nodes' access entry, the discovery tag, the private subnets and the ways out",
    why:
      "Deleting a NodePool or EC2NodeClass makes Karpenter drain and terminate the instances it launched, which Pulumi's state does not " +
      "hold, through its finalizers; the controller must still run, with its role, and reach EC2. Instances left running keep their " +
      "network interfaces in the subnets and the cluster's security group, and the VPC's deletion fails with DependencyViolation.",
    pairs: (graph) => {
      const controllers = where(graph, (r) => isHelmRelease(r, karpenterCharts.controller));
      const actedWith = controllers.flatMap((c) => [
        ...withPermissions(graph, c),
        ...[...graph.waitsFor(c.urn)]
          .map((urn) => graph.resource(urn))
          .filter((r): r is Resource => r !== undefined && karpenterDependencyTypes.includes(r.type)),
      ]);
      const infrastructure = where(graph, (r) => r.type === "aws:ec2/subnet:Subnet" || isEgressPath(r) || (r.type === "aws:ec2/tag:Tag" && inputText(r, "key") === "karpenter.sh/discovery"));
      const nodeResources = where(graph, (r) => isKube(r, "EC2NodeClass") || (isKube(r, "NodePool") && (r.inputs.spec as { template?: { spec?: { nodeClassRef?: { kind?: string } } } } | undefined)?.template?.spec?.nodeClassRef?.kind === "EC2NodeClass"));
      return crossRequired(nodeResources, [...actedWith, ...infrastructure], "a Karpenter release");
    },
  },
  {
    id: "gateway-before-controller",
    summary: "Gateways and HTTPRoutes before the ALB Controller of Application Gateway for Containers, its identity and roles, and the gateway's frontend and association",
    why:
      "The ALB Controller turns Gateways and routes into the configuration of Application Gateway for Containers and removes it when they " +
      "are deleted, acting as its workload identity; gone first, or without its federated credential or roles, it leaves that configuration " +
      "on the gateway, holding the frontend and the subnet association that the stack deletes next.",
    pairs: (graph) => {
      const controllers = where(graph, (r) => isHelmRelease(r, albControllerChart.chart));
      const acting = controllers.flatMap((c) => [
        c,
        ...[...graph.waitsFor(c.urn)]
          .map((urn) => graph.resource(urn))
          .filter((r): r is Resource => r !== undefined && (r.type === "azure-native:managedidentity:FederatedIdentityCredential" || r.type === "azure-native:authorization:RoleAssignment")),
      ]);
      const gatewayParts = where(graph, (r) => r.type === "azure-native:servicenetworking:FrontendsInterface" || r.type === "azure-native:servicenetworking:AssociationsInterface");
      const routed = where(graph, (r) => isKube(r, "Gateway") || isKube(r, "HTTPRoute"));
      return crossRequired(routed, [...acting, ...gatewayParts], "an ALB Controller release");
    },
  },
];

/** Every pair a rule names that the graph does not order: each a resource that would be deleted too late. */
export function checkLifecycle(graph: DependencyGraph, rules: readonly LifecycleRule[] = lifecycleRules): LifecycleViolation[] {
  const violations: LifecycleViolation[] = [];
  for (const rule of rules) {
    for (const [first, then] of rule.pairs(graph)) {
      if (typeof then === "string") {
        violations.push({ rule: rule.id, urn: first.urn, detail: `${shortName(first)} needs ${then}, to go after it, and the stack has none` });
        continue;
      }
      if (first.urn === then.urn || graph.deletesBefore(first.urn, then.urn)) continue;
      violations.push({
        rule: rule.id,
        urn: first.urn,
        detail: `${shortName(first)} must be deleted before ${shortName(then)}, but does not depend on it, directly or through others`,
      });
    }
  }
  return violations;
}
