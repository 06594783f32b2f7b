import { createRequire } from "node:module";
import { parse } from "yaml";
import { z } from "zod";
import type { KubeObject } from "../manifests.js";
import { crdSchemaProblems } from "./crd-schema.js";

const require = createRequire(import.meta.url);

/** What the kubernetes-models validators throw: ajv's errors, one per failed check. */
interface ModelValidationError extends Error {
  errors?: { instancePath?: string; message?: string }[];
}

interface Model {
  validate(): void;
}
type ModelClass = new (data: unknown) => Model;

const models = new Map<string, ModelClass | undefined>();

/** Kubernetes' own kinds are in kubernetes-models; the Gateway API's in its companion package. */
function modelPackage(apiVersion: string): string {
  return apiVersion.startsWith("gateway.networking.k8s.io/") ? "@kubernetes-models/gateway-api" : "kubernetes-models";
}

/**
 * The kubernetes-models class for an apiVersion and kind, loaded on first use from its own module
 * (`kubernetes-models/apps/v1/Deployment`): loading the whole package takes seconds, one model a few
 * milliseconds. Undefined for kinds the package does not model, such as custom resources.
 */
function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!models.has(key)) {
    let model: ModelClass | undefined;
    if (/^([a-z0-9.-]+\/)?v[0-9a-z]+$/.test(apiVersion) && /^[A-Z][A-Za-z0-9]*$/.test(kind)) {
      try {
        model = (require(`${modelPackage(apiVersion)}/${apiVersion}/${kind}`) as Record<string, ModelClass | undefined>)[kind];
      } catch {
        model = undefined;
      }
    }
    models.set(key, model);
  }
  return models.get(key);
}

const dnsSubdomain = z.string().regex(/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/, "must be a DNS subdomain");

/**
 * SecretProviderClass (secrets-store.csi.x-k8s.io/v1) is a CRD of the Secrets Store CSI driver, which
 * kubernetes-models does not model. This is its schema as far as the app uses it: the driver's required
 * fields, parameters as strings (the CRD's type), and synced Secrets that take each key from an object
 * the provider fetches.
 */
const secretProviderClass = z.object({
  apiVersion: z.literal("secrets-store.csi.x-k8s.io/v1"),
  kind: z.literal("SecretProviderClass"),
  metadata: z.looseObject({ name: dnsSubdomain, namespace: dnsSubdomain }),
  spec: z.strictObject({
    provider: z.enum(["azure", "aws", "gcp", "vault", "akeyless", "conjur"]),
    parameters: z.record(z.string(), z.string()),
    secretObjects: z
      .array(
        z.strictObject({
          secretName: dnsSubdomain,
          type: z.string().min(1),
          labels: z.record(z.string(), z.string()).optional(),
          annotations: z.record(z.string(), z.string()).optional(),
          data: z.array(z.strictObject({ objectName: z.string().min(1), key: z.string().min(1) })).min(1),
        }),
      )
      .optional(),
  }),
});

/** The object names the Azure provider's `objects` parameter asks for: a YAML array of YAML documents. */
function azureObjectNames(objects: string | undefined): string[] | undefined {
  try {
    const outer = parse(objects ?? "") as { array?: unknown };
    if (!Array.isArray(outer?.array)) return undefined;
    return outer.array.map((entry) => String((parse(String(entry)) as { objectName?: unknown })?.objectName ?? ""));
  } catch {
    return undefined;
  }
}

function checkSecretProviderClass(object: KubeObject): string[] {
  const result = secretProviderClass.safeParse(object);
  if (!result.success) return result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  const { spec } = result.data;
  if (spec.provider !== "azure") return [];
  const problems: string[] = [];
  for (const required of ["keyvaultName", "objects"]) {
    if (!spec.parameters[required]) problems.push(`spec.parameters.${required}: required by the azure provider`);
  }
  if (!spec.parameters.tenantID && !spec.parameters.tenantId) problems.push("spec.parameters.tenantID: required by the azure provider");
  // The provider tries pod identity, then the VM's identity, then a secret, and only then workload identity.
  if (spec.parameters.useVMManagedIdentity === "true") {
    problems.push("spec.parameters.useVMManagedIdentity: reads the vault with the identity every node carries; use workload identity (clientID) instead");
  } else if (!spec.parameters.clientID) {
    problems.push("spec.parameters.clientID: the workload identity to read the vault with");
  }
  const fetched = azureObjectNames(spec.parameters.objects);
  if (spec.parameters.objects && fetched === undefined) problems.push("spec.parameters.objects: must be YAML with an `array` of objects");
  for (const synced of spec.secretObjects ?? []) {
    for (const { objectName } of synced.data) {
      if (fetched && !fetched.includes(objectName)) problems.push(`spec.secretObjects: ${objectName} is not among the objects fetched (${fetched.join(", ")})`);
    }
  }
  return problems;
}

/** Schemas of our own, for the custom resources the program creates, by `apiVersion/kind`. */
const customSchemas: Record<string, (object: KubeObject) => string[]> = {
  "secrets-store.csi.x-k8s.io/v1/SecretProviderClass": checkSecretProviderClass,
};

/**
 * Checks an object against the Kubernetes OpenAPI schema (kubernetes-models' validators), or our own
 * schema for the custom resources it does not model. Returns one message per problem; an object whose
 * kind has no schema at all is a problem too, since nothing would check it.
 */
export function schemaProblems(object: KubeObject): string[] {
  const custom = customSchemas[`${object.apiVersion}/${object.kind}`];
  if (custom) return custom(object);
  const Model = modelFor(object.apiVersion, object.kind);
  // Custom resources whose CRD is vendored in src/plan/validate/crds are checked against it.
  if (!Model) return crdSchemaProblems(object) ?? [`no schema for ${object.apiVersion} ${object.kind}; add one to src/plan/validate/schema.ts`];
  try {
    new Model(object).validate();
    return [];
  } catch (err) {
    const errors = (err as ModelValidationError).errors;
    if (!errors) return [err instanceof Error ? err.message : String(err)];
    return errors.map((e) => `${(e.instancePath ?? "").replace(/^\//, "").replaceAll("/", ".") || "(object)"}: ${e.message ?? "is invalid"}`);
  }
}
