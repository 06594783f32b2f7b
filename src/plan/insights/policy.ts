import type { PolicyResource, ReportViolation, ResourceValidationArgs, ResourceValidationPolicy, Severity, StackValidationPolicy } from "@pulumi/policy";
import { UnknownValueError, unknownCheckingProxy } from "@pulumi/policy";
import * as pulumi from "@pulumi/pulumi";
import { policies } from "../../../policy/policies/index.js";
import type { Capture, CapturedResource, Properties } from "../capture.js";
import { unknownMarker } from "../decode.js";

/** One thing a policy found, and the config key that waived it, if one did. */
export interface PolicyFinding {
  policy: string;
  urn: string;
  severity: Severity;
  message: string;
  waivedBy: string | null;
}

/** Waived policies, by name: the reason the stack gives. */
export type Waivers = Record<string, string>;

class NotApplicable extends Error {}

/** Inputs as the policy engine sees them in a preview: a value not yet known is the engine's unknown marker. */
function asEngineSees(value: unknown): unknown {
  if (value === unknownMarker) return pulumi.runtime.unknownValue;
  if (Array.isArray(value)) return value.map(asEngineSees);
  if (typeof value === "object" && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asEngineSees(v)]));
  return value;
}

function options(resource: CapturedResource): ResourceValidationArgs["opts"] {
  const seconds = (text?: string) => (text ? Number.parseFloat(text) * (text.endsWith("m") ? 60 : text.endsWith("h") ? 3600 : 1) : 0);
  return {
    protect: resource.protect,
    ignoreChanges: resource.ignoreChanges,
    deleteBeforeReplace: resource.deleteBeforeReplace,
    aliases: [],
    customTimeouts: {
      createSeconds: seconds(resource.customTimeouts?.create),
      updateSeconds: seconds(resource.customTimeouts?.update),
      deleteSeconds: seconds(resource.customTimeouts?.delete),
    },
    additionalSecretOutputs: resource.additionalSecretOutputs,
    parent: resource.parent,
  };
}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

/** Type checks by class are for a program's own resource classes; the captured resources answer by type string. */
const byClass = () => false;

/**
 * Runs the policy pack's policies over the captured resources, as `pulumi preview --policy-pack policy`
 * runs them: each resource policy on each custom resource, with its inputs behind the engine's
 * unknown-checking proxy, and each stack policy once over them all. A value not known yet ends that
 * check with a finding that says so, as the engine's advisory does. Findings of waived policies carry
 * the config key and reason that waived them.
 */
export function runPolicies(capture: Pick<Capture, "resources">, waivers: Waivers = {}, waiverKey = "policyWaivers"): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  const custom = capture.resources.filter((r) => r.custom);
  const record = (policy: { name: string; severity?: Severity }, urn: string, message: string) =>
    findings.push({
      policy: policy.name,
      urn,
      severity: policy.severity ?? "medium",
      message,
      waivedBy: policy.name in waivers ? `${waiverKey} (${waivers[policy.name]})` : null,
    });
  const run = (policy: { name: string; severity?: Severity }, urn: string, check: (report: ReportViolation) => unknown) => {
    try {
      void check((message, at) => record(policy, at ?? urn, message));
    } catch (err) {
      if (err instanceof UnknownValueError) record(policy, urn, `cannot be checked before its inputs are known: ${(err as Error).message}`);
      else if (!(err instanceof NotApplicable)) throw err;
    }
  };

  const byUrn = new Map<string, PolicyResource>();
  const stackResources = custom.map((r) => {
    const resource: PolicyResource = {
      type: r.type,
      props: unknownCheckingProxy(asEngineSees(r.inputs) as Properties),
      urn: r.urn,
      name: r.name,
      opts: options(r),
      dependencies: [],
      propertyDependencies: {},
      isType: byClass,
      asType: () => undefined,
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  for (const [i, r] of custom.entries()) {
    const resource = stackResources[i] as PolicyResource;
    resource.dependencies = r.dependencies.map((urn) => byUrn.get(urn)).filter((d): d is PolicyResource => d !== undefined);
    if (r.parent) resource.parent = byUrn.get(r.parent);
  }

  for (const policy of policies) {
    if ("validateResource" in policy && policy.validateResource) {
      const validations = [policy.validateResource].flat() as NonNullable<ResourceValidationPolicy["validateResource"]>[] as ((args: ResourceValidationArgs, report: ReportViolation) => unknown)[];
      for (const resource of stackResources) {
        for (const validate of validations) {
          run(policy, resource.urn, (report) =>
            validate(
              { ...resource, stackTags: new Map(), getConfig: () => ({}) as never, notApplicable, isType: byClass, asType: () => undefined },
              report,
            ),
          );
        }
      }
    } else if ("validateStack" in policy) {
      const stackPolicy = policy as StackValidationPolicy;
      run(stackPolicy, "", (report) => stackPolicy.validateStack({ resources: stackResources, stackTags: new Map(), getConfig: () => ({}) as never, notApplicable }, report));
    }
  }
  return findings;
}

/**
 * The pack's config for `pulumi preview --policy-pack policy --policy-pack-config <file>`: each waived
 * policy advisory, so that the real preview relaxes exactly what the stack's config waives.
 */
export function policyPackConfig(waivers: Waivers): Record<string, { enforcementLevel: "advisory" }> {
  return Object.fromEntries(Object.keys(waivers).map((name) => [name, { enforcementLevel: "advisory" as const }]));
}
