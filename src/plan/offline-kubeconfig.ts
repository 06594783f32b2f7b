/**
 * A kubeconfig for a kind cluster named `vote` on this machine, as `kind create cluster --name vote`
 * writes one, without its credentials. The offline plan never contacts a cluster, so it plans stacks on
 * existing clusters against this one (see offline-examples.ts): the plan is the same on every machine,
 * also without a cluster.
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
