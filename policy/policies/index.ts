import type { Policies } from "@pulumi/policy";
import {
  acrAdminDisabled,
  apiEndpointRestricted,
  controlPlaneAuditLogs,
  imdsv2Required,
  keyVaultPurgeProtection,
  kubernetesVersionSupported,
  localAccountsDisabled,
  networkPolicyEnforced,
  secretsEncrypted,
  storageNoPublicBlobAccess,
} from "./cloud.js";
import { namespaceDefaultDeny, podSecurityRestricted } from "./kubernetes.js";

/** The pack's policies, in the order the findings table lists them. */
export const policies: Policies = [
  apiEndpointRestricted,
  secretsEncrypted,
  imdsv2Required,
  acrAdminDisabled,
  keyVaultPurgeProtection,
  storageNoPublicBlobAccess,
  controlPlaneAuditLogs,
  networkPolicyEnforced,
  localAccountsDisabled,
  podSecurityRestricted,
  namespaceDefaultDeny,
  kubernetesVersionSupported,
];

export { policyNames, type PolicyName } from "./names.js";
