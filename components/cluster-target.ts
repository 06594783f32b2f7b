import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

/**
 * The contract between a platform (AKS, EKS, an existing cluster) and the workloads on top of it.
 * Everything cloud-specific stays behind this interface: an app that takes a ClusterTarget imports
 * no cloud SDK, and works unchanged on every platform.
 */
export interface ClusterTarget {
  /** Which kind of platform built the cluster; for display and docs, never for branching in apps. */
  kind: "aks" | "eks" | "existing";
  /** The cluster's name as its cloud knows it. */
  name: pulumi.Output<string>;
  /** Every Kubernetes resource goes through this provider. */
  provider: k8s.Provider;
  /** The kubeconfig behind `provider`; always a Pulumi secret. */
  kubeconfig: pulumi.Output<string>;
  /** How workloads are exposed to the internet on this platform. */
  exposure: Exposure;
  /**
   * The StorageClass for persistent volumes: `managed-csi` on AKS, `gp3` on EKS. Undefined means the
   * cluster's default StorageClass, and claims then name none.
   */
  storageClassName?: string;
  /** A registry the cluster can pull from and the program can push to, where the platform has one. */
  registry?: ContainerRegistry;
  /** Pods carrying these labels run on Fargate, where the platform offers it. */
  fargate?: { podLabels: Record<string, string> };
  /** A secret store the cluster can mount secrets from, where the platform has one. */
  secretStore?: SecretStore;
  /**
   * The cluster runs the Vertical Pod Autoscaler (its `autoscaling.k8s.io/v1` API), so apps may ask it
   * for recommendations. @default false
   */
  verticalPodAutoscaler?: boolean;
  /**
   * Annotations that ask the platform's node autoscaler not to remove, of its own accord, the node of a pod
   * that cannot move without downtime (one Redis): `karpenter.sh/do-not-disrupt` for Karpenter, or the
   * Cluster Autoscaler's `safe-to-evict: "false"`. Drains for upgrades still move it. @default {}
   */
  pinnedPodAnnotations?: Record<string, string>;
  /**
   * What must exist before workloads are created: node pools, add-ons, controllers. Workloads depend on
   * these so they are created after them, and deleted before them.
   */
  readiness: pulumi.Resource[];
}

/** How a platform exposes HTTP workloads. */
export type Exposure =
  | {
      /** A cloud load balancer per Service of type LoadBalancer (AKS, or any cluster with one). */
      kind: "loadBalancerService";
      /** Annotations every exposed Service gets, e.g. for health probes. */
      annotations?: Record<string, string>;
      /** Annotation key that gives the load balancer's public IP a DNS label, where the cloud offers one. */
      dnsLabelAnnotation?: string;
      /**
       * The DNS zone such labels live in, e.g. `westeurope.cloudapp.azure.com`: a Service labelled `vote`
       * answers at `vote.<dnsLabelDomain>`. Without it, apps fall back to the load balancer's address.
       */
      dnsLabelDomain?: pulumi.Output<string>;
    }
  | {
      /** An Ingress served by a controller that provisions an ALB (EKS with the AWS Load Balancer Controller). */
      kind: "albIngress";
      ingressClassName: string;
      /**
       * The controller's release. Ingresses depend on it so that `pulumi destroy` deletes them, and with
       * them the ALB and its security groups, before the controller goes away.
       */
      dependsOn: pulumi.Resource[];
      /** HTTPS for the host name, with the annotations that add its listener, certificate and redirect. @default - HTTP only */
      https?: { hostname: string; annotations: Record<string, string> };
    }
  | {
      /**
       * A Gateway API Gateway, served by a controller that programs a cloud load balancer of the
       * platform's (AKS with Application Gateway for Containers), over HTTPS with a redirect from HTTP.
       */
      kind: "gateway";
      gatewayClassName: string;
      /** Annotations and addresses that tie the Gateway to the platform's load balancer. */
      annotations: pulumi.Output<Record<string, string>>;
      addresses: pulumi.Output<{ type: string; value: string }[]>;
      /** The load balancer's DNS name: the host name users open is a CNAME to it. */
      address: pulumi.Output<string>;
      hostname: string;
      /** The certificate, fetched from the secret store into a TLS Secret by pods that mount it. */
      certificate: {
        provider: "azure";
        /** Provider parameters for its SecretProviderClass, without `objects`. */
        parameters: pulumi.Output<Record<string, string>>;
        objectName: string;
      };
      /** The controller and what it acts with; Gateways and routes go before them. */
      dependsOn: pulumi.Resource[];
    }
  | {
      /** A Service of the given type, for clusters without a cloud integration (kind, minikube). */
      kind: "service";
      serviceType: "LoadBalancer" | "NodePort";
      /** The node port for NodePort Services, so a kind cluster can map it to the host; unset lets the cluster pick. */
      nodePort?: number;
      /** The host users reach node ports at: `localhost` for kind and Docker Desktop, the node's IP elsewhere. */
      nodeHost: string;
    };

/** Credentials to push images; short-lived tokens where the cloud issues them. */
export interface RegistryCredentials {
  username: string;
  password: string;
}

/** A container registry reachable by the cluster's nodes. */
export interface ContainerRegistry {
  /** Registry host, e.g. `myregistry.azurecr.io` or `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
  server: pulumi.Output<string>;
  /**
   * Push credentials for the program's image builds; a Pulumi secret. Platforms make them on first
   * read (an ACR token, an ECR authorization token), so read it only when an image is pushed.
   */
  credentials: pulumi.Output<RegistryCredentials>;
  /**
   * Returns the image repository (without a tag) for `name`, creating it first where the cloud needs
   * one per image (ECR). The repository is parented to `parent`.
   */
  repository(name: string, parent: pulumi.Resource): pulumi.Output<string>;
}

/** A cloud secret store mounted through the Secrets Store CSI driver. */
export interface SecretStore {
  /** The CSI driver provider name in a SecretProviderClass, e.g. `azure`. */
  provider: "azure";
  /** Provider parameters for the SecretProviderClass, without `objects`. */
  parameters: pulumi.Output<Record<string, string>>;
  /**
   * The ServiceAccount that pods mounting the store must run as: the store trusts its tokens (workload
   * identity), not the nodes. The app creates it, in this namespace, with these annotations.
   */
  serviceAccount: { namespace: string; name: string; annotations: pulumi.Output<Record<string, string>> };
  /** Secrets the platform keeps for the app, by purpose: the name of the object in the store. */
  objects: { redisPassword: string };
  /** The values of those secrets, so the program can hand them to anything that cannot mount them. */
  values: { redisPassword: pulumi.Output<string> };
}

/** What each kind of node autoscaler reads to leave a pod's node alone (Karpenter's and the Cluster Autoscaler's docs). */
export const pinnedPodAnnotations = {
  karpenter: { "karpenter.sh/do-not-disrupt": "true" },
  clusterAutoscaler: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" },
} as const satisfies Record<string, Record<string, string>>;
