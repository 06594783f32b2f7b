import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { list, record, text } from "./props.js";

/**
 * The workload side, as Checkov and Trivy check Kubernetes manifests: namespaces that enforce a Pod
 * Security level, and that deny all traffic but what their NetworkPolicies allow.
 */

const namespaceType = "kubernetes:core/v1:Namespace";

export const podSecurityRestricted: ResourceValidationPolicy = {
  name: "pod-security-restricted",
  description: "Namespaces enforce the restricted Pod Security Standard (Trivy KSV and Checkov CKV_K8S pod rules, as admission enforces them).",
  severity: "medium",
  validateResource: (args, report) => {
    if (args.type !== namespaceType) return;
    const labels = record(record(args.props.metadata).labels);
    const level = text(labels["pod-security.kubernetes.io/enforce"]);
    if (level === undefined) report("the namespace enforces no Pod Security level");
    else if (level !== "restricted") report(`the namespace enforces the ${level} Pod Security level, not restricted (the sample front end image runs as root; appFrontend own meets restricted)`);
  },
};

/** A NetworkPolicy that selects every pod and allows nothing, in and out. */
function deniesAll(props: Record<string, unknown>): boolean {
  const spec = record(props.spec);
  const selectsAll = Object.keys(record(spec.podSelector)).every((key) => Object.keys(record(record(spec.podSelector)[key])).length === 0);
  const types = list(spec.policyTypes);
  return selectsAll && types.includes("Ingress") && types.includes("Egress") && list(spec.ingress).length === 0 && list(spec.egress).length === 0;
}

export const namespaceDefaultDeny: StackValidationPolicy = {
  name: "namespace-default-deny",
  description: "Every namespace the stack creates denies all traffic in and out by default, and NetworkPolicies allow what is needed (Checkov CKV_K8S_155-like, Trivy KSV038-like).",
  severity: "medium",
  validateStack: (args, report) => {
    const policies = args.resources.filter((r) => r.type === "kubernetes:networking.k8s.io/v1:NetworkPolicy");
    for (const namespace of args.resources.filter((r) => r.type === namespaceType)) {
      const name = text(record(namespace.props.metadata).name);
      const denied = policies.some((p) => text(record(p.props.metadata).namespace) === name && deniesAll(p.props));
      if (!denied) report(`namespace ${name ?? namespace.name} has no NetworkPolicy that denies all traffic by default`, namespace.urn);
    }
  },
};
