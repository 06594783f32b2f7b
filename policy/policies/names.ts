/** Every policy of the pack, by name: what `policyWaivers` may name. */
export const policyNames = [
  "api-endpoint-restricted",
  "secrets-encrypted",
  "imdsv2-required",
  "acr-admin-disabled",
  "key-vault-purge-protection",
  "storage-no-public-blob-access",
  "control-plane-audit-logs",
  "network-policy-enforced",
  "local-accounts-disabled",
  "pod-security-restricted",
  "namespace-default-deny",
  "kubernetes-version-supported",
] as const;

export type PolicyName = (typeof policyNames)[number];
