import { describeObject, type KubeObject } from "../manifests.js";
import { rules } from "./rules.js";
import { schemaProblems } from "./schema.js";

export { rules, type Rule } from "./rules.js";

/** One problem with one object: `Deployment vote/vote-front`, the rule it breaks, and what is wrong. */
export interface Violation {
  object: string;
  rule: string;
  message: string;
}

/**
 * Validates every Kubernetes object the program would apply: against the Kubernetes OpenAPI schema
 * (rule `schema`; custom resources against schemas of our own), then against the in-repo rules. An
 * empty list means every object passed.
 */
export function validateObjects(objects: readonly KubeObject[]): Violation[] {
  const schema = objects.flatMap((object) => schemaProblems(object).map((message) => ({ object: describeObject(object), rule: "schema", message })));
  const inRepo = rules.flatMap((rule) =>
    rule.check(objects).map((finding) => ({ object: describeObject(finding.object), rule: rule.name, message: finding.message })),
  );
  return [...schema, ...inRepo];
}

/** Violations as lines for a report or a failed test: `Deployment vote/vote-front [probes]: ...`. */
export function formatViolations(violations: readonly Violation[]): string {
  return violations.map((v) => `${v.object} [${v.rule}]: ${v.message}`).join("\n");
}
