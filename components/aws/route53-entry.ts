import * as route53 from "@pulumi/aws/route53/index.js";
import * as pulumi from "@pulumi/pulumi";
import { healthCheck, type FleetRouting, type GlobalOrigin } from "../fleet/routing.js";

/** A member behind Route 53, with the AWS region its latency record names. */
export interface Route53Origin extends GlobalOrigin {
  /** The AWS region Route 53 measures latency to for this member: its own, or the nearest to an Azure region. */
  latencyRegion: string;
}

export interface Route53EntryArgs {
  /** A public hosted zone of the account, by name, such as `example.com`. */
  readonly zoneName: string;
  /** The name users open, below the zone's apex: the records are CNAMEs. */
  readonly hostname: string;
  /** `failover`: the first member is PRIMARY and the second SECONDARY; `latency`: one record per member, by region. */
  readonly routing: FleetRouting;
  /** The members, in failover order; two at most in failover, not counting drained ones. */
  readonly origins: readonly Route53Origin[];
  /** Tags on the health checks. @default {} */
  readonly tags?: Record<string, string>;
}

/**
 * Route 53 in front of a fleet on AWS, or on both clouds: a health check per member on its app's `/`
 * over HTTP, and a record per member at the one host name, answered while its check passes. Failover
 * records are one PRIMARY and one SECONDARY; latency records name each member's AWS region. Records live
 * 60 seconds, so a failed member stops getting new visitors within about two and a half minutes (three
 * failed checks 30 seconds apart, then the TTL).
 */
export class Route53Entry extends pulumi.ComponentResource {
  /** The global URL, `http://<hostname>`. */
  readonly url: pulumi.Output<string>;
  readonly zoneId: pulumi.Output<string>;

  constructor(name: string, args: Route53EntryArgs, opts?: pulumi.ComponentResourceOptions) {
    // A drained member has no record: Route 53 stops naming it once resolvers' copies (60 s) expire.
    const serving = args.origins.filter((o) => !o.drain);
    if (serving.length === 0) throw new Error(`Route53Entry ${name}: origins must list at least one member that is not drained`);
    if (args.routing === "failover" && serving.length > 2) {
      throw new Error(`Route53Entry ${name}: failover takes at most 2 members not drained, a PRIMARY and a SECONDARY record; got ${serving.length}`);
    }
    if (!args.hostname.endsWith(`.${args.zoneName}`)) {
      throw new Error(`Route53Entry ${name}: hostname ${args.hostname} must be below the zone ${args.zoneName}, not its apex`);
    }
    super("voting-platform:aws:Route53Entry", name, {}, opts);
    const tags = args.tags ?? {};
    const zone = route53.getZoneOutput({ name: args.zoneName, privateZone: false }, { parent: this });
    serving.forEach((origin, index) => {
      const check = new route53.HealthCheck(
        `${name}-check-${origin.name}`,
        {
          type: "HTTP",
          fqdn: origin.host,
          port: 80,
          resourcePath: healthCheck.path,
          requestInterval: healthCheck.intervalSeconds,
          failureThreshold: healthCheck.failureThreshold,
          tags: { ...tags, Name: `${args.hostname} ${origin.name}` },
        },
        { parent: this },
      );
      const routing =
        args.routing === "failover"
          ? { failoverRoutingPolicies: [{ type: index === 0 ? "PRIMARY" : "SECONDARY" }] }
          : { latencyRoutingPolicies: [{ region: origin.latencyRegion }] };
      new route53.Record(
        `${name}-record-${origin.name}`,
        {
          zoneId: zone.zoneId,
          name: args.hostname,
          type: "CNAME",
          ttl: 60,
          records: [origin.host],
          setIdentifier: origin.name,
          healthCheckId: check.id,
          ...routing,
        },
        { parent: this },
      );
    });
    this.zoneId = zone.zoneId;
    this.url = pulumi.output(`http://${args.hostname}`);
    this.registerOutputs({ url: this.url, zoneId: this.zoneId });
  }
}
