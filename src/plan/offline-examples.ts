import { sampleKubeconfig } from "./offline-kubeconfig.js";
import type { StackConfig } from "./stack-config.js";

/** A value the offline plan stands in for one a real `pulumi up` needs from the user, and why. */
export interface OfflineExample {
  /** The full config key, `voting-platform:aksAuthorizedIpRanges`. */
  key: string;
  value: string;
  /** What the value stands in for, as the plan prints it. */
  label: string;
}

/** Where the offline plan's AWS runs as: the mocks' account and role (src/plan/mocks/aws.ts). */
export const exampleDeployerRoleArn = "arn:aws:iam::123456789012:role/platform-deployer";
const exampleRanges = JSON.stringify(["203.0.113.0/24"]);

/**
 * The examples the offline plan stands in for a stack: values that a real `pulumi up` must get from the
 * user, which a shipped stack file therefore leaves out (and `pulumi up` asks for, naming the key),
 * and which the plan must still have to show what the stack builds. Each is labelled in the plan's
 * output, and the program accepts documentation-only values (RFC 5737 ranges, AWS's example account)
 * only for these keys. A key the stack file or the overrides set is never replaced.
 */
export function offlineExamples(config: StackConfig, overrides: Record<string, string> = {}): OfflineExample[] {
  const key = (name: string) => `${config.project}:${name}`;
  const values: Record<string, string> = { ...config.values };
  for (const [name, value] of Object.entries(overrides)) values[name.includes(":") ? name : key(name)] = value;
  const value = (name: string) => values[key(name)];
  const cloud = value("cloud");
  const prod = value("environment") === "prod";
  const examples: OfflineExample[] = [];
  const stand = (name: string, example: string, label: string, applies: boolean) => {
    if (applies && value(name) === undefined) examples.push({ key: key(name), value: example, label });
  };

  stand(
    "existingKubeconfig",
    sampleKubeconfig,
    "a sample kind kubeconfig (cluster kind-vote at https://127.0.0.1:6443) for the cluster pulumi up would find in $KUBECONFIG or ~/.kube/config",
    cloud === "existing" && value("existingKubeconfigPath") === undefined,
  );
  stand(
    "aksAuthorizedIpRanges",
    exampleRanges,
    "a documentation range for the addresses allowed to reach the API server: pulumi up needs yours",
    cloud === "azure" && prod && value("aksPrivateCluster") !== "true",
  );
  stand(
    "eksPublicAccessCidrs",
    exampleRanges,
    "a documentation range for the addresses allowed to reach the public API endpoint: pulumi up needs yours",
    cloud === "aws" && prod && value("eksEndpointPublicAccess") !== "false",
  );
  stand(
    "eksAdminPrincipalArns",
    JSON.stringify([exampleDeployerRoleArn]),
    "the offline plan's own deployer role, in AWS's documentation account, for the IAM roles that administer the cluster: pulumi up needs yours",
    cloud === "aws" && prod && value("eksBootstrapCreatorAdmin") !== "true",
  );
  const fleetMembers = cloud === "fleet" ? readMembers(value("fleetMembers")) : [];
  const behindRoute53 = fleetMembers.some((m) => m.cloud !== "azure");
  stand("fleetDnsZone", "example.com", "a documentation domain for the fleet's Route 53 hosted zone: pulumi up needs a public zone of yours", behindRoute53);
  stand("fleetHostname", "vote.example.com", "a documentation name for the fleet's global host name: pulumi up needs one in your zone", behindRoute53);
  return examples;
}

/** The members' clouds, to tell whether the fleet needs a Route 53 zone; its validation is the program's. */
function readMembers(raw: string | undefined): { cloud?: unknown }[] {
  try {
    const parsed: unknown = JSON.parse(raw ?? "[]");
    return Array.isArray(parsed) ? (parsed as { cloud?: unknown }[]) : [];
  } catch {
    return [];
  }
}

/** A stack's config as the offline plan runs it: its examples stood in, and named as such. */
export function withOfflineExamples(config: StackConfig, overrides: Record<string, string> = {}): StackConfig & { examples: string[] } {
  const examples = offlineExamples(config, overrides);
  return { ...config, values: { ...config.values, ...Object.fromEntries(examples.map((e) => [e.key, e.value])) }, examples: examples.map((e) => e.key) };
}
