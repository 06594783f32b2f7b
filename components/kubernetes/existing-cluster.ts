import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ClusterTarget } from "../cluster-target.js";

/** How an existing cluster exposes HTTP workloads. */
export type ExistingServiceType = "LoadBalancer" | "NodePort";

export interface ExistingClusterArgs {
  /** The kubeconfig document that reaches the cluster. It is made a secret whatever it is given as. */
  readonly kubeconfig: pulumi.Input<string>;
  /**
   * The context to use from the kubeconfig.
   * @default - the kubeconfig's current context
   */
  readonly context?: string;
  /** The cluster's name in the kubeconfig, for display and stack outputs. */
  readonly clusterName: string;
  /**
   * What ties the provider to one cluster: the provider is replaced (and every object with it) only
   * when this changes, and updated in place when, say, the kubeconfig's certificates are rotated.
   * @default - Pulumi's heuristics on the kubeconfig
   */
  readonly clusterIdentifier?: string;
  /**
   * How the app's front end is exposed: `NodePort` on kind, `LoadBalancer` on Docker Desktop or with
   * `minikube tunnel`.
   * @default "NodePort"
   */
  readonly serviceType?: ExistingServiceType;
  /**
   * The node port for NodePort Services (30000-32767), so that a kind cluster can map it to the host.
   * @default 30080
   */
  readonly nodePort?: number;
  /**
   * The host users reach node ports at.
   * @default "localhost" (kind with a port mapping, Docker Desktop)
   */
  readonly nodeHost?: string;
  /**
   * The StorageClass for persistent volumes.
   * @default - the cluster's default StorageClass
   */
  readonly storageClassName?: string;
}

const nodePortRange = { min: 30000, max: 32767 };

/**
 * A cluster that already exists (kind, minikube, Docker Desktop, or one made by another stack),
 * reached through a kubeconfig. It creates nothing in the cluster: it is the Kubernetes provider, and
 * the ClusterTarget that lets workloads run there like on AKS or EKS.
 */
export class ExistingCluster extends pulumi.ComponentResource {
  /** What workloads need to run on this cluster. */
  readonly target: ClusterTarget;
  readonly provider: k8s.Provider;

  constructor(name: string, args: ExistingClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    const serviceType = args.serviceType ?? "NodePort";
    const nodePort = args.nodePort ?? 30080;
    const nodeHost = args.nodeHost ?? "localhost";
    if (!Number.isInteger(nodePort) || nodePort < nodePortRange.min || nodePort > nodePortRange.max) {
      throw new Error(`ExistingCluster ${name}: nodePort must be an integer from ${nodePortRange.min} to ${nodePortRange.max}, got ${nodePort}`);
    }
    if (args.clusterName.trim() === "") throw new Error(`ExistingCluster ${name}: clusterName must not be empty`);
    super("voting-platform:kubernetes:ExistingCluster", name, {}, opts);

    const kubeconfig = pulumi.secret(args.kubeconfig);
    this.provider = this.createProvider(name, kubeconfig, args);
    this.target = {
      kind: "existing",
      name: pulumi.output(args.clusterName),
      provider: this.provider,
      kubeconfig,
      exposure: { kind: "service", serviceType, nodePort: serviceType === "NodePort" ? nodePort : undefined, nodeHost },
      storageClassName: args.storageClassName,
      // The cluster is ready before the program starts: nothing here has to be waited for.
      readiness: [],
    };
    this.registerOutputs({ clusterName: this.target.name, kubeconfig });
  }

  private createProvider(name: string, kubeconfig: pulumi.Output<string>, args: ExistingClusterArgs): k8s.Provider {
    return new k8s.Provider(
      `${name}-provider`,
      {
        kubeconfig,
        context: args.context,
        clusterIdentifier: args.clusterIdentifier,
        // Local clusters come and go (`kind delete cluster`): let `pulumi destroy` forget the objects of
        // a cluster that no longer answers, instead of failing on them.
        deleteUnreachable: true,
      },
      { parent: this },
    );
  }
}
