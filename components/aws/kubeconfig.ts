import { stringify } from "yaml";

export interface EksKubeconfigArgs {
  clusterName: string;
  region: string;
  endpoint: string;
  /** The cluster's certificate authority, base64 as EKS returns it. */
  certificateAuthorityData: string;
}

/**
 * A kubeconfig that gets a fresh token from `aws eks get-token` on every use. It holds only the endpoint,
 * the CA, the cluster name and the region, none of which change while the cluster lives: a kubeconfig
 * that changed on every run would replace the Kubernetes provider, and with it every object it manages.
 */
export function eksKubeconfig(args: EksKubeconfigArgs): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: args.clusterName,
        cluster: { server: args.endpoint, "certificate-authority-data": args.certificateAuthorityData },
      },
    ],
    contexts: [{ name: args.clusterName, context: { cluster: args.clusterName, user: args.clusterName } }],
    "current-context": args.clusterName,
    users: [
      {
        name: args.clusterName,
        user: {
          exec: {
            apiVersion: "client.authentication.k8s.io/v1beta1",
            command: "aws",
            args: ["eks", "get-token", "--cluster-name", args.clusterName, "--region", args.region, "--output", "json"],
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}
