import * as pulumi from "@pulumi/pulumi";

export interface FleetMemberArgs {
  /** The member's cloud, `azure`, `aws` or `existing`; for display and the plan's per-member figures. */
  readonly cloud: string;
  /** The region its cluster runs in. */
  readonly region: string;
  /** Creates the member's platform and app under it, and says where they answer. */
  readonly build: (member: FleetMember) => FleetMemberOutputs;
}

/** What a member publishes once its app is up: where it answers, and how to reach its cluster. */
export interface FleetMemberOutputs {
  /** The app's own URL on this member, bypassing the global entry. */
  url: pulumi.Output<string>;
  /** The host name the global entry sends this member's traffic to, and health-checks. */
  host: pulumi.Output<string>;
  /** The member cluster's kubeconfig; a Pulumi secret. */
  kubeconfig: pulumi.Output<string>;
}

/**
 * One cluster of a fleet with the app on it: the parent of its platform and its app, so that each member
 * is one subtree of the stack, planned, priced and removed as a unit.
 */
export class FleetMember extends pulumi.ComponentResource {
  readonly cloud: string;
  readonly region: string;
  readonly url: pulumi.Output<string>;
  readonly host: pulumi.Output<string>;
  readonly kubeconfig: pulumi.Output<string>;

  constructor(name: string, args: FleetMemberArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:fleet:Member", name, {}, opts);
    this.cloud = args.cloud;
    this.region = args.region;
    const outputs = args.build(this);
    this.url = outputs.url;
    this.host = outputs.host;
    this.kubeconfig = pulumi.secret(outputs.kubeconfig);
    this.registerOutputs({ cloud: this.cloud, region: this.region, url: this.url, host: this.host, kubeconfig: this.kubeconfig });
  }
}
