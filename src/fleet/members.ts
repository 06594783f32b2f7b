import * as pulumi from "@pulumi/pulumi";
import { FleetMember, type FleetMemberOutputs } from "../../components/fleet/member.js";
import { ConfigError, type ConfigProblem } from "../config/errors.js";
import type { FleetMember as FleetMemberSettings, FleetSettings } from "../config/fleet.js";
import { preparePlatform } from "../platform.js";
import { createVotingApp } from "../voting-app.js";

/** A member as the global entry and the outputs need it. */
export interface MemberEndpoint extends FleetMemberOutputs {
  settings: FleetMemberSettings;
}

/** The host name or address of an app URL, without a URL's brackets: what the global entry sends traffic to and checks. */
export function hostOfUrl(url: string): string {
  return new URL(url).hostname.replace(/^\[(.*)\]$/, "$1");
}

export function hostOf(url: pulumi.Output<string>): pulumi.Output<string> {
  return url.apply(hostOfUrl);
}

/**
 * The provider a member's AWS resources go through: one per member, in its region, with its profile.
 * Azure takes the region on every resource, so Azure members share the default provider; an existing
 * cluster has only its kubeconfig.
 */
async function memberProvider(member: FleetMemberSettings): Promise<pulumi.ProviderResource | undefined> {
  const { platform } = member.settings;
  if (platform.cloud !== "aws") return undefined;
  const { Provider } = await import("@pulumi/aws/provider.js");
  return new Provider(`${member.name}-aws`, { region: platform.eks.region, profile: platform.eks.profile });
}

/** A member's config problem from what the cloud said, keyed where the fleet's stack file sets it. */
function memberError(fleet: FleetSettings, index: number, err: unknown): unknown {
  if (!(err instanceof ConfigError)) return err;
  const prefix = `${fleet.project}:`;
  const problems: ConfigProblem[] = err.problems.map((p) => ({
    ...p,
    key: `${prefix}fleetMembers[${index}].config.${p.key.startsWith(prefix) ? p.key.slice(prefix.length) : p.key}`,
  }));
  return new ConfigError(fleet.stack, problems);
}

/**
 * Every member in this stack, side by side, each under its own FleetMember, an AWS member with a
 * provider of its own region. What the clouds must confirm is asked of every member before any member's
 * resources are registered, so a member that would fail leaves nothing of the others half-created (only
 * the AWS providers, which the checks read through and which create nothing in the cloud, come first).
 */
export async function createMembers(fleet: FleetSettings): Promise<MemberEndpoint[]> {
  const prepared = await Promise.all(
    fleet.members.map(async (member, index) => {
      const provider = await memberProvider(member);
      const build = await preparePlatform(member.settings, { provider }).catch((err: unknown) => {
        throw memberError(fleet, index, err);
      });
      return { member, provider, build };
    }),
  );
  return prepared.map(({ member, provider, build }) => {
    // The member's provider is the whole subtree's: the platform's resources and those the app makes
    // through it (an ECR repository for our front end's image) all run in the member's region.
    const component = new FleetMember(
      member.name,
      {
        cloud: member.cloud,
        region: member.region,
        build: (parent) => {
          const platform = build({ parent });
          const app = createVotingApp(member.settings, platform, { name: `${member.name}-vote`, parent });
          return { url: app.url, host: hostOf(app.url), kubeconfig: platform.target.kubeconfig };
        },
      },
      provider ? { providers: [provider] } : {},
    );
    return { settings: member, url: component.url, host: component.host, kubeconfig: component.kubeconfig };
  });
}

/**
 * The members as stacks of their own (`<prefix>-<member>`, run by `npm run fleet`), read by stack
 * reference: their app URL and kubeconfig are those stacks' `appUrl` and `kubeconfig` outputs.
 */
export function referenceMembers(fleet: FleetSettings, prefix: string): MemberEndpoint[] {
  return fleet.members.map((member) => {
    const stack = new pulumi.StackReference(`${member.name}-stack`, { name: `${prefix}-${member.name}` });
    const url = stack.requireOutput("appUrl").apply(String);
    const kubeconfig = pulumi.secret(stack.requireOutput("kubeconfig").apply(String));
    return { settings: member, url, host: hostOf(url), kubeconfig };
  });
}
