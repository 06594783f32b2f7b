import { stringify } from "yaml";

export interface EksKubeconfigArgs {
  clusterName: string;
  region: string;
  endpoint: string;
  /** The cluster's certificate authority, base64 as EKS returns it. */
  certificateAuthorityData: string;
  /** The AWS CLI profile `aws eks get-token` signs in with. @default - the CLI's default credentials */
  profile?: string;
}

/**
 * A kubeconfig that gets a fresh token from `aws eks get-token` on every use. It holds only the endpoint,
 * the CA, the cluster name, the region and the profile, none of which change while the cluster lives: a
 * kubeconfig that changed on every run would replace the Kubernetes provider, and with it every object it
 * manages. The profile is the one the stack's AWS provider uses (`aws:profile`), so the token comes from
 * the same identity that created the cluster and its access entries; without it, from the CLI's default
 * credentials. A stack without a profile gets exactly the kubeconfig it always had.
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
            ...(args.profile ? { env: [{ name: "AWS_PROFILE", value: args.profile }] } : {}),
            interactiveMode: "Never",
          },
        },
      },
    ],
  });
}
