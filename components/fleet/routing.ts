import type * as pulumi from "@pulumi/pulumi";

/** How a fleet's global entry picks a member: one primary with standbys, or the nearest healthy one. */
export type FleetRouting = "failover" | "latency";

/** A member as the global entry sees it: where to send traffic, in the order failover tries them. */
export interface GlobalOrigin {
  /** The member's name: the origin's or record's name and set identifier. */
  name: string;
  /** The host name its app answers at over HTTP. */
  host: pulumi.Input<string>;
  /** Kept, but sent no visitors: drained before maintenance or removal. @default false */
  drain?: boolean;
}

/**
 * How often and where the entry checks a member. `/` renders the vote page only while the member's Redis
 * answers (503 otherwise), so a member whose data store is down is taken out, not only one whose load
 * balancer is.
 */
export const healthCheck = { path: "/", intervalSeconds: 30, failureThreshold: 3 } as const;
