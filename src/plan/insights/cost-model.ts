import { readFileSync } from "node:fs";
import type { CapturedResource } from "../capture.js";
import { fargateRuns, isKube, isLoadBalancerService } from "../lifecycle/selectors.js";
import type { FoundPrice } from "./prices.js";
import { hoursPerMonth } from "./prices.js";

/** What pricing one resource may use: the stack's other resources, its prices and its assumptions. */
export interface CostContext {
  region: string;
  resources: readonly CapturedResource[];
  price(key: string, type: string): FoundPrice | undefined;
  /** Records a type whose cost the model cannot tell. */
  unpriced(type: string, why: string): void;
  assume(name: string): number;
}

type Props = Record<string, unknown>;
const record = (value: unknown): Props => (typeof value === "object" && value !== null ? (value as Props) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const num = (value: unknown, fallback = 0) => (typeof value === "number" ? value : fallback);

/**
 * Resource types that cost nothing themselves: networks, identities, roles, policies, provider-side
 * objects and Kubernetes objects that run nothing billable. What they lead to (a load balancer behind a
 * Service, a disk behind a claim) is priced where it is made.
 */
const free = [
  /^azure-native:(resources|network:(VirtualNetwork|Subnet|NetworkSecurityGroup|PrivateDnsZoneGroup)$|privatedns:VirtualNetworkLink|authorization|managedidentity|monitor|containerservice:MaintenanceConfiguration|keyvault:Secret|containerregistry:Token|cdn:(AFDEndpoint|AFDOriginGroup|AFDOrigin|Route)$)/,
  /^aws:(ec2\/(vpc:|subnet|routeTable|routeTableAssociation|route:|internetGateway|launchTemplate|securityGroup|tag:)|iam\/|eks\/(accessEntry|accessPolicyAssociation|addon|fargateProfile)|kms\/alias|ecr\/lifecyclePolicy|sqs\/queuePolicy|cloudwatch\/event(Rule|Target))/,
  /^(random|time|pulumi|pulumi-nodejs|docker-build):/,
  /^kubernetes:/,
];

/**
 * What `quantity` of a priced thing costs per hour. For a unit of time (`hour`, `vCPU-hour`, `day`,
 * `month`, `GB-month`) the quantity is how many run (instances, vCPUs, GB stored); for a unit of use
 * (`GB` processed or ingested, `10k operations`) it is the use in a month.
 */
export function hourlyOf(found: FoundPrice | undefined, quantity = 1): number {
  if (!found) return 0;
  if (found.unit === "hour" || found.unit.endsWith("-hour") || found.unit === "hour per AZ") return found.usd * quantity;
  if (found.unit === "day") return (found.usd * quantity) / 24;
  return (found.usd * quantity) / hoursPerMonth;
}

/** Azure managed disk tiers by size: the smallest that holds `gib`. */
const diskTiers: [gib: number, premium: string, standard: string][] = [
  [4, "P1", "E1"], [8, "P2", "E2"], [16, "P3", "E3"], [32, "P4", "E4"], [64, "P6", "E6"], [128, "P10", "E10"], [256, "P15", "E15"], [512, "P20", "E20"],
];

function azureDisk(gib: number, premium: boolean, zoneRedundant: boolean): string {
  const [, p, e] = diskTiers.find(([size]) => size >= gib) ?? (diskTiers.at(-1) as (typeof diskTiers)[number]);
  return `azure.disk.${premium ? "premium" : "standardssd"}${zoneRedundant ? "-zrs" : ""}.${premium ? p : e}`;
}

const gibOf = (size: unknown) => {
  const match = /^(\d+)(Mi|Gi|Ti)$/.exec(String(size ?? ""));
  if (!match) return 0;
  return Number(match[1]) * { Mi: 1 / 1024, Gi: 1, Ti: 1024 }[match[2] as "Mi" | "Gi" | "Ti"];
};

interface Priced {
  hourly: number;
  parts: string[];
}

/** A pool of VMs with their OS disks: `count` nodes of `vmSize`, 128 GiB OS disks (AKS's default size). */
function azurePool(type: string, vmSize: string, count: number, ctx: CostContext): Priced {
  const vm = hourlyOf(ctx.price(`azure.vm.${vmSize}.linux.payg`, type), count);
  // Sizes with an s take Premium SSD, which AKS then uses for their managed OS disks.
  const premium = /^Standard_[A-Z]+\d+[a-z]*s/.test(vmSize);
  const disk = hourlyOf(ctx.price(azureDisk(ctx.assume("aksOsDiskGib"), premium, false), type), count);
  return { hourly: vm + disk, parts: [`${count} x ${vmSize}`, `${count} OS disks`] };
}

interface Calendar {
  versions: { version: string; endOfStandardSupport: string }[];
}
const eksCalendar = JSON.parse(readFileSync(new URL("../../../data/eks-kubernetes-versions.json", import.meta.url), "utf8")) as Calendar;

function costOfAzure(resource: CapturedResource, ctx: CostContext): Priced | undefined {
  const { type, inputs } = resource;
  switch (type) {
    case "azure-native:containerservice:ManagedCluster": {
      const tier = String(record(inputs.sku).tier ?? "Free").toLowerCase();
      const plane = hourlyOf(ctx.price(`aks.controlplane.${tier}`, type));
      const pool = record(list(inputs.agentPoolProfiles)[0]);
      const count = pool.enableAutoScaling === true ? num(pool.minCount, 1) : num(pool.count, 1);
      const nodes = azurePool(type, String(pool.vmSize), count, ctx);
      // With the load balancer as the way out, AKS makes it, and an outbound public IP, with the cluster;
      // through a NAT gateway (priced on its own), a load balancer comes only with a LoadBalancer Service.
      const natOut = record(inputs.networkProfile).outboundType === "userAssignedNATGateway";
      const services = ctx.resources.some(isLoadBalancerService);
      const lb = natOut && !services ? 0 : hourlyOf(ctx.price("azure.lb.standard.first5rules", type));
      const outboundIp = natOut ? 0 : hourlyOf(ctx.price("azure.publicip.standard.static", type));
      const lbParts = natOut ? (services ? ["a load balancer"] : []) : ["a load balancer and its outbound IP"];
      return { hourly: plane + nodes.hourly + lb + outboundIp, parts: [`${tier} control plane`, ...nodes.parts, ...lbParts] };
    }
    case "azure-native:containerservice:AgentPool": {
      const count = inputs.enableAutoScaling === true ? num(inputs.minCount, 0) : num(inputs.count, 0);
      return azurePool(type, String(inputs.vmSize), count, ctx);
    }
    case "azure-native:containerregistry:Registry":
      return { hourly: hourlyOf(ctx.price(`azure.acr.${String(record(inputs.sku).name).toLowerCase()}`, type)), parts: [`${String(record(inputs.sku).name)} registry`] };
    case "azure-native:operationalinsights:Workspace": {
      const nodes = ctx.resources
        .filter((r) => r.type === "azure-native:containerservice:ManagedCluster" || r.type === "azure-native:containerservice:AgentPool")
        .reduce((sum, r) => sum + (r.type === "azure-native:containerservice:AgentPool" ? num(r.inputs.minCount, num(r.inputs.count)) : num(record(list(r.inputs.agentPoolProfiles)[0]).minCount, num(record(list(r.inputs.agentPoolProfiles)[0]).count))), 0);
      const gbPerMonth = ctx.assume("containerInsightsGbPerNodeDay") * nodes * 30.4;
      return { hourly: hourlyOf(ctx.price("azure.loganalytics.payg.ingestion", type), gbPerMonth), parts: [`${gbPerMonth.toFixed(1)} GB a month ingested`] };
    }
    case "azure-native:cdn:Profile":
      return { hourly: hourlyOf(ctx.price(`azure.frontdoor.${String(record(inputs.sku).name) === "Premium_AzureFrontDoor" ? "premium" : "standard"}.base`, type)), parts: ["Front Door base fee"] };
    case "azure-native:keyvault:Vault":
      return { hourly: hourlyOf(ctx.price("azure.keyvault.standard.operations", type), ctx.assume("keyVaultOperationsPerMonth") / 10_000), parts: ["operations"] };
    case "azure-native:storage:StorageAccount":
      return { hourly: hourlyOf(ctx.price("azure.storage.blob.hot.lrs", type), ctx.assume("storageAccountGb")), parts: ["blob storage"] };
    default:
      return costOfAzureNetwork(resource, ctx);
  }
}

/** The network's billable parts: egress, private endpoints and their zones, and Application Gateway for Containers. */
function costOfAzureNetwork(resource: CapturedResource, ctx: CostContext): Priced | undefined {
  const { type } = resource;
  switch (type) {
    case "azure-native:network:NatGateway": {
      const gb = ctx.assume("azureNatGbPerMonth");
      return { hourly: hourlyOf(ctx.price("azure.natgateway.hourly", type)) + hourlyOf(ctx.price("azure.natgateway.dataProcessed", type), gb), parts: ["NAT gateway", `${gb} GB a month`] };
    }
    case "azure-native:network:PublicIPAddress":
      return { hourly: hourlyOf(ctx.price("azure.publicip.standard.static", type)), parts: ["static public IP"] };
    case "azure-native:network:PrivateEndpoint": {
      const gb = ctx.assume("privateEndpointGbPerMonth");
      // Azure bills the data in each direction; the assumption is both together.
      return { hourly: hourlyOf(ctx.price("azure.privateendpoint.hourly", type)) + hourlyOf(ctx.price("azure.privateendpoint.dataProcessed", type), gb), parts: ["private endpoint", `${gb} GB a month`] };
    }
    case "azure-native:privatedns:PrivateZone":
      return { hourly: hourlyOf(ctx.price("azure.privatedns.zone", type)), parts: ["private DNS zone"] };
    case "azure-native:servicenetworking:TrafficControllerInterface": {
      const units = ctx.assume("appGatewayCapacityUnits");
      return { hourly: hourlyOf(ctx.price("azure.agc.hourly", type)) + hourlyOf(ctx.price("azure.agc.capacityUnit", type), units), parts: ["Application Gateway for Containers", `${units} capacity units`] };
    }
    case "azure-native:servicenetworking:FrontendsInterface":
      return { hourly: hourlyOf(ctx.price("azure.agc.frontend", type)), parts: ["frontend"] };
    case "azure-native:servicenetworking:AssociationsInterface":
      return { hourly: hourlyOf(ctx.price("azure.agc.association", type)), parts: ["subnet association"] };
    default:
      return undefined;
  }
}

function costOfAws(resource: CapturedResource, ctx: CostContext): Priced | undefined {
  const { type, inputs } = resource;
  switch (type) {
    case "aws:eks/cluster:Cluster": {
      const version = eksCalendar.versions.find((v) => v.version === inputs.version);
      const extended = version !== undefined && new Date().toISOString().slice(0, 10) >= version.endOfStandardSupport;
      if (record(inputs.computeConfig).enabled === true) {
        ctx.unpriced(type, "Auto Mode's nodes, and its fee on each, follow the pods; none is counted");
      }
      return { hourly: hourlyOf(ctx.price(`eks.controlplane.${extended ? "extended" : "standard"}`, type)), parts: [`control plane in ${extended ? "extended" : "standard"} support`] };
    }
    case "aws:eks/nodeGroup:NodeGroup": {
      const scaling = record(inputs.scalingConfig);
      const count = num(scaling.desiredSize, num(scaling.minSize, 1));
      const [instanceType = ""] = list(inputs.instanceTypes).map(String);
      const launchTemplate = ctx.resources.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate" && r.id === record(inputs.launchTemplate).id);
      const rootGb = num(record(record(list(launchTemplate?.inputs.blockDeviceMappings)[0]).ebs).volumeSize, 20);
      const ec2 = hourlyOf(ctx.price(`aws.ec2.${instanceType}.linux.${inputs.capacityType === "SPOT" ? "spot" : "ondemand"}`, type), count);
      const ebs = hourlyOf(ctx.price("aws.ebs.gp3", type), count * rootGb);
      return { hourly: ec2 + ebs, parts: [`${count} x ${instanceType}`, `${count * rootGb} GB of gp3`] };
    }
    case "aws:ec2/natGateway:NatGateway": {
      const gb = ctx.assume("natGbPerMonth");
      return { hourly: hourlyOf(ctx.price("aws.natgateway.hourly", type)) + hourlyOf(ctx.price("aws.natgateway.dataProcessed", type), gb), parts: ["NAT gateway", `${gb} GB a month`] };
    }
    case "aws:ec2/vpcEndpoint:VpcEndpoint": {
      // Gateway endpoints (S3, DynamoDB) are free; an interface endpoint is billed per zone it has a subnet in.
      if (inputs.vpcEndpointType !== "Interface") return { hourly: 0, parts: ["gateway endpoint, free"] };
      const zones = list(inputs.subnetIds).length;
      const gb = ctx.assume("vpcEndpointGbPerMonth");
      const hourly = hourlyOf(ctx.price("aws.vpcendpoint.interface.hourly", type), zones) + hourlyOf(ctx.price("aws.vpcendpoint.interface.dataProcessed", type), gb);
      return { hourly, parts: [`interface endpoint in ${zones} zones`, `${gb} GB a month`] };
    }
    case "aws:sqs/queue:Queue": {
      // EventBridge delivers AWS's own events to it for nothing; the cost is the consumer's polling.
      const millions = ctx.assume("sqsRequestsPerMonth") / 1_000_000;
      return { hourly: hourlyOf(ctx.price("aws.sqs.standard.requests", type), millions), parts: [`${millions} million requests a month`] };
    }
    case "aws:ec2/eip:Eip":
      return { hourly: hourlyOf(ctx.price("aws.publicipv4", type)), parts: ["public IPv4 address"] };
    case "aws:kms/key:Key":
      return { hourly: hourlyOf(ctx.price("aws.kms.key", type)), parts: ["customer-managed key"] };
    case "aws:cloudwatch/logGroup:LogGroup": {
      if (!String(inputs.name ?? "").endsWith("/cluster")) {
        const gb = ctx.assume("fargateLogGbPerMonth");
        return { hourly: hourlyOf(ctx.price("aws.cloudwatch.logs.ingestion", type), gb), parts: [`${gb} GB a month of pod logs ingested`] };
      }
      // The audit log is most of a control plane's logs; the cluster says whether it sends it.
      const audited = ctx.resources.some((r) => r.type === "aws:eks/cluster:Cluster" && list(r.inputs.enabledClusterLogTypes).includes("audit"));
      const gb = ctx.assume(audited ? "controlPlaneLogGbPerMonthAudit" : "controlPlaneLogGbPerMonth");
      return { hourly: hourlyOf(ctx.price("aws.cloudwatch.logs.ingestion", type), gb), parts: [`${gb} GB a month ingested`] };
    }
    case "aws:ecr/repository:Repository":
      return { hourly: hourlyOf(ctx.price("aws.ecr.storage", type), ctx.assume("ecrGbPerRepository")), parts: ["image storage"] };
    case "aws:route53/healthCheck:HealthCheck": {
      // Route 53 charges more to check an endpoint outside AWS, such as an Azure member's.
      const onAws = /\.amazonaws\.com$/.test(String(inputs.fqdn ?? ""));
      return { hourly: hourlyOf(ctx.price(`aws.route53.healthcheck.basic.${onAws ? "aws" : "other"}`, type)), parts: [`health check of an endpoint ${onAws ? "on" : "outside"} AWS`] };
    }
    case "aws:route53/record:Record": {
      // Queries are billed per name, shared by the records that answer for it. A name other records are
      // CNAMEs to (a fleet member's own) is asked as often as they lead to it: its share of their queries;
      // a member's own name none leads to (a drained member's) is asked only by the team, next to nothing.
      const records = ctx.resources.filter((r) => r.type === type);
      const names = (r: (typeof records)[number]) => (Array.isArray(r.inputs.records) ? r.inputs.records : []);
      const referrer = records.find((r) => names(r).includes(inputs.name));
      const ownNameOfMember = records.some((r) => r.inputs.setIdentifier !== undefined && String(inputs.name).endsWith(`.${String(r.inputs.name)}`));
      const sharing = referrer
        ? new Set(records.filter((r) => r.inputs.name === referrer.inputs.name).flatMap(names)).size
        : records.filter((r) => r.inputs.name === inputs.name).length || 1;
      const latency = Array.isArray(inputs.latencyRoutingPolicies) && inputs.latencyRoutingPolicies.length > 0;
      const millions = !referrer && ownNameOfMember ? 0 : ctx.assume("route53MillionQueriesPerMonth") / sharing;
      return { hourly: hourlyOf(ctx.price(`aws.route53.queries.${latency ? "latency" : "standard"}`, type), millions), parts: [`${millions.toFixed(2)} million ${latency ? "latency" : "standard"} queries a month`] };
    }
    default:
      return undefined;
  }
}

/** The Kubernetes objects that make the cloud bill: load balancers, disks, and pods on Fargate. */
function costOfKubernetes(resource: CapturedResource, cloud: "azure" | "aws", ctx: CostContext): Priced | undefined {
  const { type, inputs } = resource;
  if (isLoadBalancerService(resource) && cloud === "azure") {
    // A rule on the cluster's load balancer, within its first five, and a public IP of its own.
    return { hourly: hourlyOf(ctx.price("azure.publicip.standard.static", type)), parts: ["public IP"] };
  }
  if (isKube(resource, "Ingress") && cloud === "aws") {
    const zones = new Set(ctx.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet").map((r) => r.inputs.availabilityZone)).size;
    const lcu = ctx.assume("albLcu");
    const hourly = hourlyOf(ctx.price("aws.alb.hourly", type)) + hourlyOf(ctx.price("aws.alb.lcu", type), lcu) + hourlyOf(ctx.price("aws.publicipv4", type), zones);
    return { hourly, parts: ["ALB", `${lcu} LCU`, `${zones} public IPv4 addresses`] };
  }
  if (isKube(resource, "StatefulSet")) {
    const replicas = num(record(inputs.spec).replicas, 1);
    let hourly = 0;
    const parts: string[] = [];
    for (const claim of list(record(inputs.spec).volumeClaimTemplates)) {
      const spec = record(record(claim).spec);
      const gib = gibOf(record(record(spec.resources).requests).storage);
      const className = String(spec.storageClassName ?? "");
      const storageClass = ctx.resources.find((r) => isKube(r, "StorageClass") && record(r.inputs.metadata).name === className);
      const sku = String(record(storageClass?.inputs.parameters).skuName ?? "");
      const key = cloud === "aws" ? "aws.ebs.gp3" : azureDisk(gib, sku.startsWith("Premium"), sku.endsWith("_ZRS"));
      hourly += hourlyOf(ctx.price(key, type), cloud === "aws" ? gib * replicas : replicas);
      parts.push(`${replicas} x ${gib} GiB ${cloud === "aws" ? "gp3" : key.split(".").slice(2).join(" ")} volume`);
    }
    return parts.length > 0 ? { hourly, parts } : undefined;
  }
  if (isKube(resource, "Deployment") && cloud === "aws") {
    const profile = ctx.resources.find((r) => r.type === "aws:eks/fargateProfile:FargateProfile" && fargateRuns(r, resource));
    if (!profile) return undefined;
    // Fargate rounds each pod up to its smallest size, 0.25 vCPU and 0.5 GB, for the app's requests.
    const hpa = ctx.resources.find((r) => isKube(r, "HorizontalPodAutoscaler") && record(record(r.inputs.spec).scaleTargetRef).name === record(inputs.metadata).name);
    const pods = num(record(hpa?.inputs.spec).minReplicas, 1);
    const hourly = hourlyOf(ctx.price("aws.fargate.vcpu", type), pods * 0.25) + hourlyOf(ctx.price("aws.fargate.memory", type), pods * 0.5);
    return { hourly, parts: [`${pods} Fargate pods of 0.25 vCPU and 0.5 GB`] };
  }
  // Karpenter (on EKS, or AKS's node auto-provisioning) launches nodes as pods need them: none is in the plan to price.
  if (isKube(resource, "NodePool")) ctx.unpriced(type, "the nodes it launches follow the pods, up to its limits; none is counted");
  return undefined;
}

/** The cost of one resource, or undefined when it costs nothing itself; an unknown type is reported unpriced. */
export function costOfResource(resource: CapturedResource, ctx: CostContext): Priced | undefined {
  const cloud = ctx.resources.some((r) => r.type.startsWith("aws:")) ? "aws" : "azure";
  const priced = resource.type.startsWith("kubernetes:") ? costOfKubernetes(resource, cloud, ctx) : cloud === "aws" ? costOfAws(resource, ctx) : costOfAzure(resource, ctx);
  if (priced) return priced;
  if (!free.some((pattern) => pattern.test(resource.type))) ctx.unpriced(resource.type, "no price model");
  return undefined;
}
