import type { StackConfig } from "./stack-config.js";

/**
 * A kubeconfig for a kind cluster named `vote` on this machine, as `kind create cluster --name vote`
 * writes one, without its credentials. The offline plan never contacts a cluster, so it plans stacks on
 * existing clusters against this one: the plan is the same on every machine, also without a cluster.
 */
export const sampleKubeconfig = `apiVersion: v1
kind: Config
clusters:
  - name: kind-vote
    cluster:
      server: https://127.0.0.1:6443
contexts:
  - name: kind-vote
    context:
      cluster: kind-vote
      user: kind-vote
current-context: kind-vote
users:
  - name: kind-vote
    user:
      token: offline-plan
`;

/**
 * Config overrides the offline plan applies to a stack: for a stack on an existing cluster whose file
 * (or the overrides given with it) names no kubeconfig, so that it would read `$KUBECONFIG` or
 * `~/.kube/config`, the sample kubeconfig above. A stack that names a kubeconfig is planned against it,
 * as `pulumi up` would use it.
 */
export function offlineConfigOverrides(config: StackConfig, overrides: Record<string, string> = {}): Record<string, string> {
  const key = (name: string) => `${config.project}:${name}`;
  const values: Record<string, string> = { ...config.values };
  for (const [name, value] of Object.entries(overrides)) values[name.includes(":") ? name : key(name)] = value;
  const onExisting = values[key("cloud")] === "existing";
  const named = values[key("existingKubeconfig")] !== undefined || values[key("existingKubeconfigPath")] !== undefined;
  return onExisting && !named ? { [key("existingKubeconfig")]: sampleKubeconfig } : {};
}
