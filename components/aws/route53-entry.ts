import { isIP } from "node:net";
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
  /**
   * `failover`: the first member not drained is PRIMARY and the second SECONDARY; `latency`: one record
   * per member, by region, each region once.
   */
  readonly routing: FleetRouting;
  /** The members, in failover order; two at most in failover, not counting drained ones. */
  readonly origins: readonly Route53Origin[];
  /** Tags on the health checks. @default {} */
  readonly tags?: Record<string, string>;
}

const failoverRoles = ["PRIMARY", "SECONDARY"] as const;

/** The record a member's own name must be to point at `host`: an address's A or AAAA, else a CNAME to the name. */
export function memberRecordType(host: string): "A" | "AAAA" | "CNAME" {
  return isIP(host) === 4 ? "A" : isIP(host) === 6 ? "AAAA" : "CNAME";
}

/** A member's own name in the zone, `<member>.<hostname>`: a CNAME to its load balancer's name, or an A (AAAA) record of its address. */
function memberRecordName(member: string, hostname: string): string {
  return `${member}.${hostname}`;
}

/**
 * Route 53 in front of a fleet on AWS, or on both clouds. Each member gets a name of its own in the zone
 * (`<member>.<hostname>`) that points at its load balancer, however the cloud gives it (a host name, or
 * only an address), and a health check on its app's `/` over HTTP. The host name users open is answered
 * by routed records, one per serving member, that are CNAMEs to those names: the records of one name
 * must be of one type, and a CNAME cannot name an address. Failover records are named by their role, so
 * draining the primary moves the PRIMARY record to the next member in one update, never leaving two
 * PRIMARY records for Route 53 to refuse. Records live 60 seconds, so a failed member stops getting new
 * visitors within about two and a half minutes (three failed checks 30 seconds apart, then the TTL).
 */
export class Route53Entry extends pulumi.ComponentResource {
  /** The global URL, `http://<hostname>`. */
  readonly url: pulumi.Output<string>;
  readonly zoneId: pulumi.Output<string>;

  constructor(name: string, args: Route53EntryArgs, opts?: pulumi.ComponentResourceOptions) {
    // A drained member has no routed record: Route 53 stops naming it once resolvers' copies (60 s) expire.
    const serving = args.origins.filter((o) => !o.drain);
    if (serving.length === 0) throw new Error(`Route53Entry ${name}: origins must list at least one member that is not drained`);
    if (args.routing === "failover" && serving.length > failoverRoles.length) {
      throw new Error(`Route53Entry ${name}: failover takes at most 2 members not drained, a PRIMARY and a SECONDARY record; got ${serving.length}`);
    }
    const regions = serving.map((o) => o.latencyRegion);
    const repeated = regions.find((r, i) => regions.indexOf(r) !== i);
    if (args.routing === "latency" && repeated !== undefined) {
      throw new Error(`Route53Entry ${name}: Route 53 takes one latency record per AWS region for a name; ${repeated} is named by more than one member`);
    }
    if (!args.hostname.endsWith(`.${args.zoneName}`)) {
      throw new Error(`Route53Entry ${name}: hostname ${args.hostname} must be below the zone ${args.zoneName}, not its apex`);
    }
    super("voting-platform:aws:Route53Entry", name, {}, opts);
    const tags = args.tags ?? {};
    const zone = route53.getZoneOutput({ name: args.zoneName, privateZone: false }, { parent: this });
    const targets = new Map(args.origins.map((origin) => [origin.name, this.memberRecord(name, args.hostname, zone.zoneId, origin)]));
    const checks = new Map(serving.map((origin) => [origin.name, this.healthCheck(name, args.hostname, origin, tags)]));
    const routed = (recordName: string, origin: Route53Origin, setIdentifier: string, routing: Partial<route53.RecordArgs>, aliases: pulumi.Alias[] = []) => {
      const target = targets.get(origin.name) as route53.Record;
      new route53.Record(
        recordName,
        {
          zoneId: zone.zoneId,
          name: args.hostname,
          type: "CNAME",
          ttl: 60,
          records: [target.name],
          setIdentifier,
          healthCheckId: (checks.get(origin.name) as route53.HealthCheck).id,
          ...routing,
        },
        { parent: this, dependsOn: [target], aliases },
      );
    };
    if (args.routing === "failover") {
      serving.forEach((origin, index) => {
        const role = failoverRoles[index] as (typeof failoverRoles)[number];
        // Records were once keyed by member: the alias updates such a record in place, where creating the
        // role's record beside it would ask Route 53 for a second PRIMARY.
        routed(`${name}-${role.toLowerCase()}`, origin, role.toLowerCase(), { failoverRoutingPolicies: [{ type: role }] }, [{ name: `${name}-record-${origin.name}` }]);
      });
    } else {
      for (const origin of serving) routed(`${name}-record-${origin.name}`, origin, origin.name, { latencyRoutingPolicies: [{ region: origin.latencyRegion }] });
    }
    this.zoneId = zone.zoneId;
    this.url = pulumi.output(`http://${args.hostname}`);
    this.registerOutputs({ url: this.url, zoneId: this.zoneId });
  }

  /**
   * The member's own name. Its type follows what the load balancer gives; the provider changes a type by
   * deleting the old record and creating the new in one change batch, as a name cannot hold a CNAME
   * beside another record.
   */
  private memberRecord(name: string, hostname: string, zoneId: pulumi.Input<string>, origin: Route53Origin): route53.Record {
    const host = pulumi.output(origin.host);
    const type = host.apply(memberRecordType);
    return new route53.Record(
      `${name}-member-${origin.name}`,
      { zoneId, name: memberRecordName(origin.name, hostname), type, ttl: 60, records: [host] },
      { parent: this },
    );
  }

  /**
   * Route 53 checks a host name by resolving it, an address as it is: one of the two, never both. An
   * update cannot add or remove a check's address (UpdateHealthCheck, IPAddress), so a member whose load
   * balancer moves between the two gets a new check.
   */
  private healthCheck(name: string, hostname: string, origin: Route53Origin, tags: Record<string, string>): route53.HealthCheck {
    const host = pulumi.output(origin.host);
    return new route53.HealthCheck(
      `${name}-check-${origin.name}`,
      {
        type: "HTTP",
        fqdn: host.apply((h) => (isIP(h) ? undefined : h)),
        ipAddress: host.apply((h) => (isIP(h) ? h : undefined)),
        port: 80,
        resourcePath: healthCheck.path,
        requestInterval: healthCheck.intervalSeconds,
        failureThreshold: healthCheck.failureThreshold,
        tags: { ...tags, Name: `${hostname} ${origin.name}` },
      },
      { parent: this, replaceOnChanges: ["fqdn", "ipAddress"] },
    );
  }
}
