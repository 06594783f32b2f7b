import type { Exposure } from "../cluster-target.js";
import type { LoadBalancerController } from "./load-balancer-controller.js";

/**
 * The ALB's TLS policy: TLS 1.3 and 1.2 with restricted ciphers and hybrid post-quantum key exchange,
 * the one ELB's guide recommends and its console's default. The API's own default, which the controller
 * passes on unless told, is ELBSecurityPolicy-2016-08, with TLS 1.0.
 */
export const albTlsPolicy = "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09";

/** The Ingress annotations of HTTPS for a host name: the certificate, both listeners, the redirect and the TLS policy. */
export function albHttps(https: { certificateArn: string; hostname: string }): { hostname: string; annotations: Record<string, string> } {
  return {
    hostname: https.hostname,
    annotations: {
      // Named, so the controller never looks certificates up in ACM, which has no VPC endpoint.
      "alb.ingress.kubernetes.io/certificate-arn": https.certificateArn,
      "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]),
      "alb.ingress.kubernetes.io/ssl-redirect": "443",
      "alb.ingress.kubernetes.io/ssl-policy": albTlsPolicy,
    },
  };
}

/** How apps are exposed through the Load Balancer Controller's ALBs: HTTP, or HTTPS for a host name with a redirect. */
export function albExposure(controller: LoadBalancerController, https: { certificateArn: string; hostname: string } | undefined): Exposure {
  return {
    kind: "albIngress",
    ingressClassName: controller.ingressClassName,
    dependsOn: [controller.release],
    ...(https ? { https: albHttps(https) } : {}),
  };
}
