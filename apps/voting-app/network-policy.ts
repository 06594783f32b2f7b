import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { objectMeta, type AppContext } from "./context.js";

export interface AppNetworkPoliciesArgs {
  /** The namespace and provider the app's objects use. */
  readonly context: AppContext;
  /** Labels of the front end pods, and the port they serve HTTP on. */
  readonly frontend: { podLabels: Record<string, string>; port: number };
  /** Labels of the Redis pods, and the port Redis listens on. */
  readonly redis: { podLabels: Record<string, string>; port: number };
}

/**
 * The app's traffic rules. Everything in the namespace is denied, in and out, and then exactly this is
 * allowed:
 * - into the front end, on its HTTP port, from anywhere: the load balancer or ALB sends client traffic
 *   (with ip targets, straight from the VPC) and health checks, and the source cannot be narrowed
 *   without knowing the platform's load balancer addresses;
 * - from the front end to Redis, on the Redis port, and to DNS in kube-system, to find Redis;
 * - into Redis, on its port, from the front end only. Redis itself sends nothing anywhere.
 * Probes come from the kubelet on the node, which NetworkPolicy implementations let through.
 * They bind only where the cluster enforces NetworkPolicy for the pod: not for pods on Fargate (the front
 * end on EKS), whose policies then do nothing, while Redis's ingress still holds on its node.
 */
export class AppNetworkPolicies extends pulumi.ComponentResource {
  constructor(name: string, args: AppNetworkPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:apps:AppNetworkPolicies", name, {}, opts);
    const { context: ctx, frontend, redis } = args;
    const tcp = (port: number) => ({ protocol: "TCP", port });

    this.policy(name, "default-deny", ctx, { podSelector: {}, policyTypes: ["Ingress", "Egress"] });
    this.policy(name, "frontend-ingress", ctx, {
      podSelector: { matchLabels: frontend.podLabels },
      policyTypes: ["Ingress"],
      ingress: [{ ports: [tcp(frontend.port)] }],
    });
    this.policy(name, "frontend-egress", ctx, {
      podSelector: { matchLabels: frontend.podLabels },
      policyTypes: ["Egress"],
      egress: [
        { to: [{ podSelector: { matchLabels: redis.podLabels } }], ports: [tcp(redis.port)] },
        {
          to: [{ namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } } }],
          ports: [
            { protocol: "UDP", port: 53 },
            { protocol: "TCP", port: 53 },
          ],
        },
      ],
    });
    this.policy(name, "redis-ingress", ctx, {
      podSelector: { matchLabels: redis.podLabels },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: { matchLabels: frontend.podLabels } }], ports: [tcp(redis.port)] }],
    });
    this.registerOutputs({});
  }

  private policy(name: string, role: string, ctx: AppContext, spec: k8s.types.input.networking.v1.NetworkPolicySpec): void {
    new k8s.networking.v1.NetworkPolicy(`${name}-${role}`, { metadata: objectMeta(ctx, role), spec }, { parent: this, provider: ctx.provider });
  }
}
