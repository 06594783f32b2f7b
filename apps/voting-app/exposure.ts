import { createHash } from "node:crypto";
import { isIPv6 } from "node:net";
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
 * How long `pulumi up` waits for the Gateway to be programmed: the controller writes the gateway's
 * configuration in a minute or two once the certificate's Secret is there.
 */
export const gatewayTimeoutSeconds = 900;
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
  const address = ingress?.hostname ?? ingress?.ip;
  if (!address) return "";
  // An IPv6 address goes in brackets in a URL (RFC 3986, 3.2.2).
  const host = isIPv6(address) ? `[${address}]` : address;
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
  /**
   * The TLS Secret a `gateway` exposure's HTTPS listener serves, synced from the platform's store.
   * @default - required with a `gateway` exposure, unused otherwise
   */
  readonly tlsSecretName?: pulumi.Output<string>;
}

/**
 * The front end's public entry, chosen by the platform's exposure, never by its cloud:
 * - `loadBalancerService`: a LoadBalancer Service with a DNS label, at `http://<label>.<domain>`;
 * - `albIngress`: a ClusterIP Service and an internet-facing ALB Ingress with ip targets, on HTTPS
 *   with a redirect from HTTP when the platform has a certificate;
 * - `gateway`: a ClusterIP Service, a Gateway with HTTP and HTTPS listeners for the host name, a route
 *   that redirects HTTP to HTTPS, and one that sends HTTPS to the Service, at `https://<hostname>`;
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
      case "gateway":
        this.url = this.createGateway(name, args, exposure);
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
          // The HTTPS listener, its certificate and policy, and the redirect replace the HTTP-only listener.
          ...exposure.https?.annotations,
        }),
        spec: {
          ingressClassName: exposure.ingressClassName,
          rules: [
            {
              ...(exposure.https ? { host: exposure.https.hostname } : {}),
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
    const address = ingress.status.apply((status) => loadBalancerUrl(status?.loadBalancer));
    const https = exposure.https;
    // The certificate is for the host name, not the ALB's own: users open the name, a CNAME to the ALB.
    return https ? address.apply(() => `https://${https.hostname}`) : address;
  }

  private createGateway(name: string, args: PublicEndpointArgs, exposure: Extract<Exposure, { kind: "gateway" }>): pulumi.Output<string> {
    const { context: ctx } = args;
    if (!args.tlsSecretName) throw new Error(`PublicEndpoint ${name}: a gateway exposure needs tlsSecretName, the Secret its HTTPS listener serves`);
    const service = this.service(name, args, { type: "ClusterIP", ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] });
    const opts = { parent: this, provider: ctx.provider, dependsOn: [...ctx.readiness, ...exposure.dependsOn] };
    const hostname = exposure.hostname;
    const gateway = new k8s.apiextensions.CustomResource(
      `${name}-gateway`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "Gateway",
        metadata: objectMeta(
          ctx,
          "vote-front",
          "frontend",
          exposure.annotations.apply((annotations) => ({
            ...annotations,
            // Created once the controller has programmed the gateway, not when the API server stores it.
            "pulumi.com/waitFor": "condition=Programmed",
            "pulumi.com/timeoutSeconds": String(gatewayTimeoutSeconds),
          })),
        ),
        spec: {
          gatewayClassName: exposure.gatewayClassName,
          addresses: exposure.addresses,
          listeners: [
            { name: "http", protocol: "HTTP", port: 80, hostname, allowedRoutes: { namespaces: { from: "Same" } } },
            {
              name: "https",
              protocol: "HTTPS",
              port: 443,
              hostname,
              tls: { mode: "Terminate", certificateRefs: [{ kind: "Secret", group: "", name: args.tlsSecretName }] },
              allowedRoutes: { namespaces: { from: "Same" } },
            },
          ],
        },
      },
      // The controller removes the gateway's configuration when the Gateway goes: it must still run then.
      opts,
    );
    const parent = (section: string) => [{ name: gateway.metadata.name, sectionName: section }];
    new k8s.apiextensions.CustomResource(
      `${name}-redirect-route`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: objectMeta(ctx, "vote-front-redirect", "frontend"),
        spec: {
          parentRefs: parent("http"),
          hostnames: [hostname],
          rules: [{ filters: [{ type: "RequestRedirect", requestRedirect: { scheme: "https", statusCode: 301 } }] }],
        },
      },
      opts,
    );
    const route = new k8s.apiextensions.CustomResource(
      `${name}-route`,
      {
        apiVersion: "gateway.networking.k8s.io/v1",
        kind: "HTTPRoute",
        metadata: objectMeta(ctx, "vote-front", "frontend"),
        spec: {
          parentRefs: parent("https"),
          hostnames: [hostname],
          rules: [{ backendRefs: [{ name: service.metadata.name, port: 80 }] }],
        },
      },
      opts,
    );
    // Users open the host name, a CNAME to the gateway's frontend (the stack's appGatewayFqdn).
    return pulumi.all([route.metadata.name, gateway.metadata.name]).apply(() => `https://${hostname}`);
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
