import { createHash } from "node:crypto";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { Exposure } from "../../components/cluster-target.js";
import { objectMeta, type AppContext } from "./context.js";

/**
 * How long `pulumi up` waits for a cloud load balancer's address before it fails: the provider's own
 * default, made explicit. A Service's Azure load balancer rule and public IP take one to three minutes.
 */
export const loadBalancerTimeoutSeconds = 600;
/** An ALB takes several minutes to provision and register ip targets: more than the default. */
export const albIngressTimeoutSeconds = 900;
/**
 * The ALB's idle timeout, AWS's default made explicit: the front end keeps idle connections open
 * longer than this, so the ALB never reuses a connection the target is closing (a 502).
 */
export const albIdleTimeoutSeconds = 60;

/**
 * A DNS label for the front end's public IP: `<stack>-<namespace>-<hash>`, lowercase, at most 63
 * characters, starting with a letter. Labels are unique per region across all of Azure, so a short
 * hash of the project, stack and cluster keeps two forks of this repository apart; it never changes
 * while they do not.
 */
export function defaultDnsLabel(project: string, stack: string, namespace: string, clusterName: string): string {
  const hash = createHash("sha256").update(`${project}/${stack}/${clusterName}`).digest("hex").slice(0, 6);
  let base = `${stack}-${namespace}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  if (!/^[a-z]/.test(base)) base = `vote-${base}`;
  return `${base.slice(0, 63 - hash.length - 1).replace(/-+$/, "")}-${hash}`;
}

/** The app's URL from a load balancer's status: its host name where the cloud gives one, else its IP. */
export function loadBalancerUrl(status: { ingress?: { hostname?: string; ip?: string }[] } | undefined, port = 80): string {
  const ingress = status?.ingress?.[0];
  const host = ingress?.hostname ?? ingress?.ip;
  if (!host) return "";
  return port === 80 ? `http://${host}` : `http://${host}:${port}`;
}

/**
 * Labels the app's namespace carries for its exposure. Behind an ALB with ip targets, a new pod is Ready
 * (and an old one taken out of the rollout) as soon as its probes pass, while the ALB still sends traffic
 * to the old target and has not yet found the new one healthy: brief 502s on every rollout. With this
 * label the AWS Load Balancer Controller gives the namespace's pods a readiness gate that holds until
 * their target is healthy in the ALB.
 */
export function exposureNamespaceLabels(exposure: Exposure): Record<string, string> {
  return exposure.kind === "albIngress" ? { "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled" } : {};
}

export interface PublicEndpointArgs {
  /** The namespace, provider and readiness the app's objects use. */
  readonly context: AppContext;
  /** How the platform exposes HTTP workloads; decides which objects are made. */
  readonly exposure: Exposure;
  /** Labels of the front end pods. */
  readonly podLabels: Record<string, string>;
  /** The path a load balancer health check asks for. */
  readonly healthCheckPath: string;
  /** The DNS label of the public IP, where the platform offers labels. */
  readonly dnsLabel: pulumi.Input<string>;
}

/**
 * The front end's public entry, chosen by the platform's exposure, never by its cloud:
 * - `loadBalancerService`: a LoadBalancer Service with a DNS label, at `http://<label>.<domain>`;
 * - `albIngress`: a ClusterIP Service and an internet-facing ALB Ingress with ip targets;
 * - `service`: a Service of the configured type, at its load balancer or `http://<nodeHost>:<nodePort>`.
 */
export class PublicEndpoint extends pulumi.ComponentResource {
  /** Where users open the app. */
  readonly url: pulumi.Output<string>;

  constructor(name: string, args: PublicEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:apps:PublicEndpoint", name, {}, opts);
    const exposure = args.exposure;
    switch (exposure.kind) {
      case "loadBalancerService":
        this.url = this.createLoadBalancerService(name, args, exposure);
        break;
      case "albIngress":
        this.url = this.createAlbIngress(name, args, exposure);
        break;
      case "service":
        this.url = this.createService(name, args, exposure);
        break;
    }
    this.registerOutputs({ url: this.url });
  }

  private service(name: string, args: PublicEndpointArgs, spec: Partial<k8s.types.input.core.v1.ServiceSpec>, annotations?: pulumi.Input<Record<string, pulumi.Input<string>>>) {
    const { context: ctx } = args;
    const exposed = spec.type === "LoadBalancer" || spec.type === "NodePort";
    return new k8s.core.v1.Service(
      `${name}-service`,
      {
        metadata: objectMeta(ctx, "vote-front", "frontend", annotations),
        spec: { selector: args.podLabels, ...spec },
      },
      // A load balancer needs the cluster's cloud integration in place, and must go before it on destroy.
      { parent: this, provider: ctx.provider, dependsOn: exposed ? ctx.readiness : [] },
    );
  }

  private createLoadBalancerService(name: string, args: PublicEndpointArgs, exposure: Extract<Exposure, { kind: "loadBalancerService" }>): pulumi.Output<string> {
    const label = exposure.dnsLabelAnnotation ? pulumi.output(args.dnsLabel) : undefined;
    const annotations = pulumi.all([label]).apply(([dnsLabel]) => ({
      ...exposure.annotations,
      ...(exposure.dnsLabelAnnotation && dnsLabel ? { [exposure.dnsLabelAnnotation]: dnsLabel } : {}),
      "pulumi.com/timeoutSeconds": String(loadBalancerTimeoutSeconds),
    }));
    const service = this.service(name, args, { type: "LoadBalancer", ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] }, annotations);
    const address = service.status.apply((status) => loadBalancerUrl(status?.loadBalancer));
    if (!label || !exposure.dnsLabelDomain) return address;
    // The FQDN is stable across load balancer changes; the Service's own status only knows the IP.
    // Waiting for that status too keeps the URL from resolving before the load balancer exists.
    return pulumi.all([label, exposure.dnsLabelDomain, address]).apply(([dnsLabel, domain]) => `http://${dnsLabel}.${domain}`);
  }

  private createAlbIngress(name: string, args: PublicEndpointArgs, exposure: Extract<Exposure, { kind: "albIngress" }>): pulumi.Output<string> {
    const { context: ctx } = args;
    const service = this.service(name, args, { type: "ClusterIP", ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] });
    const ingress = new k8s.networking.v1.Ingress(
      `${name}-ingress`,
      {
        metadata: objectMeta(ctx, "vote-front", "frontend", {
          "alb.ingress.kubernetes.io/scheme": "internet-facing",
          // Pod IPs as targets: works for Fargate pods, and skips the extra hop through node ports.
          "alb.ingress.kubernetes.io/target-type": "ip",
          "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }]),
          "alb.ingress.kubernetes.io/healthcheck-path": args.healthCheckPath,
          "alb.ingress.kubernetes.io/load-balancer-attributes": `idle_timeout.timeout_seconds=${albIdleTimeoutSeconds}`,
          "pulumi.com/timeoutSeconds": String(albIngressTimeoutSeconds),
        }),
        spec: {
          ingressClassName: exposure.ingressClassName,
          rules: [
            {
              http: {
                paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: service.metadata.name, port: { name: "http" } } } }],
              },
            },
          ],
        },
      },
      // The controller turns this Ingress into an ALB and its security groups, and only it deletes them:
      // depending on its release makes `pulumi destroy` delete the Ingress (and the ALB) while the
      // controller still runs, so the VPC is not left with orphans that block its deletion.
      { parent: this, provider: ctx.provider, dependsOn: [...ctx.readiness, ...exposure.dependsOn] },
    );
    return ingress.status.apply((status) => loadBalancerUrl(status?.loadBalancer));
  }

  private createService(name: string, args: PublicEndpointArgs, exposure: Extract<Exposure, { kind: "service" }>): pulumi.Output<string> {
    if (exposure.serviceType === "LoadBalancer") {
      const service = this.service(
        name,
        args,
        { type: "LoadBalancer", ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] },
        { "pulumi.com/timeoutSeconds": String(loadBalancerTimeoutSeconds) },
      );
      return service.status.apply((status) => loadBalancerUrl(status?.loadBalancer));
    }
    const service = this.service(name, args, {
      type: "NodePort",
      ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP", ...(exposure.nodePort ? { nodePort: exposure.nodePort } : {}) }],
    });
    // kind reaches node ports from the host only through a port mapping of the same number; minikube
    // and remote clusters at a node's address (nodeHost).
    return service.spec.apply((spec) => `http://${exposure.nodeHost}:${spec.ports[0]?.nodePort ?? exposure.nodePort ?? ""}`);
  }
}
