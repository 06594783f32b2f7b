import { readFileSync } from "node:fs";
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { list, record, text } from "./props.js";

/**
 * The cloud side: what Checkov and Trivy check on AKS and EKS clusters and what sits beside them,
 * written for the resource types this project creates (azure-native and aws). Each policy reads the
 * resource's inputs only, so it gives the same answer in `pulumi preview` and in the offline plan.
 */

const managedCluster = "azure-native:containerservice:ManagedCluster";
const eksCluster = "aws:eks/cluster:Cluster";

const anyAddress = (cidr: unknown) => text(cidr)?.endsWith("/0") === true;

export const apiEndpointRestricted: ResourceValidationPolicy = {
  name: "api-endpoint-restricted",
  description: "The Kubernetes API server is private, or reachable only from listed address ranges (Trivy AVD-AZU-0041, AVD-AWS-0040/0041; Checkov CKV_AZURE_6, CKV_AWS_38/39).",
  severity: "high",
  validateResource: (args, report) => {
    if (args.type === managedCluster) {
      const access = record(args.props.apiServerAccessProfile);
      if (access.enablePrivateCluster === true) return;
      const ranges = list(access.authorizedIPRanges);
      if (ranges.length === 0) report("the API server accepts every address: set authorized IP ranges (aksAuthorizedIpRanges) or make it private");
      else if (ranges.some(anyAddress)) report("an authorized range is 0.0.0.0/0, which authorizes every address");
    } else if (args.type === eksCluster) {
      const vpc = record(args.props.vpcConfig);
      if (vpc.endpointPublicAccess === false) return;
      const cidrs = list(vpc.publicAccessCidrs);
      if (cidrs.length === 0 || cidrs.some(anyAddress)) report("the public API endpoint is open to every address (eksPublicAccessCidrs holds 0.0.0.0/0 or nothing)");
    }
  },
};

export const secretsEncrypted: ResourceValidationPolicy = {
  name: "secrets-encrypted",
  description: "EKS encrypts Kubernetes secrets with a KMS key of its own (Trivy AVD-AWS-0039, Checkov CKV_AWS_58).",
  severity: "high",
  validateResource: (args, report) => {
    if (args.type !== eksCluster) return;
    const encrypted = list(args.props.encryptionConfig ?? []).length > 0 ? list(args.props.encryptionConfig) : [args.props.encryptionConfig];
    const covers = encrypted.some((c) => list(record(c).resources).includes("secrets") && text(record(record(c).provider).keyArn));
    if (!covers) report("secrets are not envelope-encrypted with a KMS key (encryptionConfig with resources [secrets])");
  },
};

export const imdsv2Required: ResourceValidationPolicy = {
  name: "imdsv2-required",
  description: "Nodes require IMDSv2 tokens and allow one hop, so pods cannot take the node's credentials (Trivy AVD-AWS-0028, Checkov CKV_AWS_79/341).",
  severity: "high",
  validateResource: (args, report) => {
    if (args.type !== "aws:ec2/launchTemplate:LaunchTemplate") return;
    const metadata = record(args.props.metadataOptions);
    if (metadata.httpTokens !== "required") report("the instance metadata service accepts IMDSv1: set metadataOptions.httpTokens to required");
    const hops = metadata.httpPutResponseHopLimit;
    if (typeof hops !== "number" || hops > 1) report(`the metadata hop limit is ${String(hops ?? "the default")}: set it to 1, so a pod cannot reach the node's IMDS`);
  },
};

export const acrAdminDisabled: ResourceValidationPolicy = {
  name: "acr-admin-disabled",
  description: "The container registry's admin user is off; pushes and pulls go through identities and tokens (Checkov CKV_AZURE_137).",
  severity: "high",
  validateResource: (args, report) => {
    if (args.type === "azure-native:containerregistry:Registry" && args.props.adminUserEnabled !== false) {
      report("the registry's admin user is on, or not turned off: set adminUserEnabled to false");
    }
  },
};

export const keyVaultPurgeProtection: ResourceValidationPolicy = {
  name: "key-vault-purge-protection",
  description: "Key Vault has purge protection, so a deleted vault or secret can be recovered for its retention period (Checkov CKV_AZURE_42/110).",
  severity: "medium",
  validateResource: (args, report) => {
    if (args.type !== "azure-native:keyvault:Vault") return;
    const properties = record(args.props.properties);
    if (properties.enablePurgeProtection !== true) report("purge protection is off: a deleted vault and its secrets can be purged at once (aksKeyVaultPurgeProtection)");
    if (properties.enableSoftDelete === false) report("soft delete is off");
  },
};

export const storageNoPublicBlobAccess: ResourceValidationPolicy = {
  name: "storage-no-public-blob-access",
  description: "Storage accounts allow no anonymous blob access and HTTPS only (Checkov CKV_AZURE_190, CKV_AZURE_3; Trivy AVD-AZU-0007).",
  severity: "high",
  validateResource: (args, report) => {
    if (args.type !== "azure-native:storage:StorageAccount") return;
    if (args.props.allowBlobPublicAccess !== false) report("anonymous blob access is allowed, or not turned off: set allowBlobPublicAccess to false");
    if (args.props.enableHttpsTrafficOnly === false) report("plain HTTP is allowed");
  },
};

const auditCategories = ["kube-audit", "kube-audit-admin"];

export const controlPlaneAuditLogs: StackValidationPolicy = {
  name: "control-plane-audit-logs",
  description: "The control plane's audit log is collected (Trivy AVD-AWS-0038, AVD-AZU-0040; Checkov CKV_AWS_37).",
  severity: "medium",
  validateStack: (args, report) => {
    for (const cluster of args.resources.filter((r) => r.type === eksCluster)) {
      if (!list(cluster.props.enabledClusterLogTypes).includes("audit")) report("the audit log type is not sent to CloudWatch (eksLogTypes)", cluster.urn);
    }
    const settings = args.resources.filter((r) => r.type === "azure-native:monitor:DiagnosticSetting");
    for (const cluster of args.resources.filter((r) => r.type === managedCluster)) {
      const audited = settings.some(
        (s) =>
          s.dependencies.some((d) => d.urn === cluster.urn) &&
          list(s.props.logs).some((log) => auditCategories.includes(String(record(log).category)) && record(log).enabled === true),
      );
      if (!audited) report("no diagnostic setting sends kube-audit or kube-audit-admin to a workspace", cluster.urn);
    }
  },
};

export const networkPolicyEnforced: StackValidationPolicy = {
  name: "network-policy-enforced",
  description: "The cluster enforces Kubernetes NetworkPolicy (Trivy AVD-AZU-0043, Checkov CKV_AZURE_7).",
  severity: "medium",
  validateStack: (args, report) => {
    for (const cluster of args.resources.filter((r) => r.type === managedCluster)) {
      const policy = text(record(cluster.props.networkProfile).networkPolicy);
      if (!policy || policy === "none") report("no network policy engine: NetworkPolicies would be accepted and do nothing (aksNetworkPolicy)", cluster.urn);
    }
    for (const cluster of args.resources.filter((r) => r.type === eksCluster)) {
      if (record(cluster.props.computeConfig).enabled === true) {
        // Auto Mode: its policy controller is turned on by a ConfigMap, and nodes enforce by their NodeClass.
        const controller = args.resources.some(
          (r) => r.type === "kubernetes:core/v1:ConfigMap" && record(r.props.metadata).name === "amazon-vpc-cni" && record(r.props.data)["enable-network-policy-controller"] === "true",
        );
        const nodeClass = args.resources.some((r) => r.type === "kubernetes:eks.amazonaws.com/v1:NodeClass" && record(r.props.spec).networkPolicy === "DefaultAllow");
        if (!controller || !nodeClass) report("Auto Mode does not enforce NetworkPolicy: no amazon-vpc-cni ConfigMap turning its controller on, or no NodeClass with networkPolicy", cluster.urn);
        continue;
      }
      const cni = args.resources.find((r) => r.type === "aws:eks/addon:Addon" && r.props.addonName === "vpc-cni");
      const values = record(JSON.parse(text(cni?.props.configurationValues) ?? "{}"));
      if (values.enableNetworkPolicy !== "true") report("the VPC CNI does not enforce NetworkPolicy (enableNetworkPolicy)", cluster.urn);
    }
  },
};

export const localAccountsDisabled: ResourceValidationPolicy = {
  name: "local-accounts-disabled",
  description: "AKS signs in through Entra ID only, with its local admin account disabled (Checkov CKV_AZURE_141; Trivy AVD-AZU-0042).",
  severity: "medium",
  validateResource: (args, report) => {
    if (args.type !== managedCluster) return;
    if (args.props.disableLocalAccounts !== true) report("the cluster's local admin account works: a static credential outside Entra ID (aksDisableLocalAccounts)");
    if (args.props.enableRBAC === false) report("Kubernetes RBAC is off");
  },
};

interface CalendarEntry {
  version: string;
  endOfStandardSupport: string;
  endOfExtendedSupport: string;
}
const calendar = (JSON.parse(readFileSync(new URL("../../data/eks-kubernetes-versions.json", import.meta.url), "utf8")) as { versions: CalendarEntry[] }).versions;

export const kubernetesVersionSupported: ResourceValidationPolicy = {
  name: "kubernetes-version-supported",
  description: "EKS runs a Kubernetes version in standard support, by the calendar in data/eks-kubernetes-versions.json (Trivy AVD-AWS-0165 checks support too).",
  severity: "high",
  validateResource: (args, report) => {
    if (args.type !== eksCluster) return;
    const version = text(args.props.version);
    if (version === undefined) return;
    const today = new Date().toISOString().slice(0, 10);
    const entry = calendar.find((v) => v.version === version);
    if (!entry) report(`Kubernetes ${version} is not in the EKS calendar: EKS may not offer it`);
    else if (today >= entry.endOfExtendedSupport) report(`Kubernetes ${version} left extended support on ${entry.endOfExtendedSupport}`);
    else if (today >= entry.endOfStandardSupport) report(`Kubernetes ${version} is in extended support since ${entry.endOfStandardSupport}, billed at the extended support price`);
  },
};
