/** The control-plane log types EKS can send to CloudWatch. */
export const controlPlaneLogTypes = ["api", "audit", "authenticator", "controllerManager", "scheduler"] as const;
export type ControlPlaneLogType = (typeof controlPlaneLogTypes)[number];

/** The managed add-ons the platform installs, by their EKS names. */
export const eksAddonNames = ["vpc-cni", "kube-proxy", "coredns", "aws-ebs-csi-driver", "metrics-server"] as const;
export type EksAddonName = (typeof eksAddonNames)[number];

/**
 * Community add-ons: EKS lists their versions but marks none as the default for a Kubernetes version,
 * so a lookup of the default fails (the provider's `getAddonVersion` reports an empty result). They
 * take the newest build EKS offers, unless pinned in `eksAddonVersions`.
 */
export const communityAddons: readonly EksAddonName[] = ["metrics-server"];

/** A taint's effect, as the EKS API spells it. */
export type TaintEffect = "NO_SCHEDULE" | "NO_EXECUTE" | "PREFER_NO_SCHEDULE";

export interface NodeTaint {
  key: string;
  /** @default - no value */
  value?: string;
  effect: TaintEffect;
}

/** One managed node group, from one `eksNodeGroups` record (unset fields come from the eksNode* keys). */
export interface NodeGroupSettings {
  /** 1-31 lowercase letters, digits or hyphens. */
  name: string;
  /** Instance types, all of one architecture (`eksInstanceTypes`). @default ["t3.medium"] in dev, ["m6i.large"] in prod */
  instanceTypes: string[];
  /** Follows from the instance types: Graviton types run arm64 AL2023 images. */
  architecture: "x86_64" | "arm64";
  /** (`eksNodeMinSize`) @default 1 in dev, 3 in prod */
  minSize: number;
  /** (`eksNodeMaxSize`) @default 3 in dev, 6 in prod */
  maxSize: number;
  /** The starting size; later changes are left to the autoscaler (`eksNodeDesiredSize`). @default 2 in dev, 3 in prod */
  desiredSize: number;
  /** @default "ON_DEMAND" */
  capacityType: "ON_DEMAND" | "SPOT";
  /** Root volume size in GiB, an encrypted gp3 volume. @default 50 */
  diskSize: number;
  /** @default {} */
  labels: Record<string, string>;
  /** @default [] */
  taints: NodeTaint[];
}

/** How nodes follow the workload (`eksCompute`), and what each mode needs. */
export type EksComputeSettings =
  | {
      mode: "karpenter";
      /** The fixed, tainted group the system runs on: CoreDNS, the controllers, Karpenter itself. */
      systemGroup: NodeGroupSettings;
      /** The default NodePool's ceiling, and whether it may take spot capacity. */
      nodePool: { cpuLimit: number; memoryLimitGi: number; spot: boolean };
    }
  | { mode: "cluster-autoscaler" }
  /** EKS Auto Mode: EKS runs the nodes, the CNI, block storage and load balancing. */
  | { mode: "auto-mode" };

