import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { FormatsPlugin } from "ajv-formats";
import { parseAllDocuments } from "yaml";
import { z } from "zod";
import type { KubeObject } from "../manifests.js";

/*
 * Custom resources checked against their upstream CRDs, vendored in ./crds (README.md there says where each
 * file comes from). An object's apiVersion picks the CRD version; its openAPIV3Schema, read as Kubernetes
 * reads a structural schema, checks the object with ajv:
 *
 * - Every object schema that lists `properties` gets `additionalProperties: false`, unless it has
 *   `x-kubernetes-preserve-unknown-fields` or `x-kubernetes-embedded-resource`. The API server prunes a field
 *   its schema does not define (or refuses it, under strict field validation): a misspelt field never
 *   takes effect, so it is reported.
 * - Defaults are applied before checking, as the API server does, so a field the CRD defaults is never
 *   missing (NodePool's `disruption.consolidateAfter`, EC2NodeClass's `metadataOptions`).
 * - `x-kubernetes-int-or-string` is integer or string; `x-kubernetes-list-type: set` and `map` lists may not
 *   repeat an item or a key (the API server's "Duplicate value").
 * - `x-kubernetes-map-type`, `-list-map-keys`, `-preserve-unknown-fields`, `-embedded-resource` and
 *   `-validations` are known keywords that check nothing by themselves.
 * - Formats: ajv-formats' `date-time`, `int32`, `int64` and the rest, `duration` as Kubernetes spells it
 *   ("30s", "1h30m"; ajv-formats' own is ISO 8601), and any format ajv does not know is not checked (as the
 *   API server ignores formats it does not know).
 * - metadata: a name that is a DNS subdomain, no namespace on a cluster-scoped kind, a DNS label as the
 *   namespace of a namespaced one, labels and annotations of strings.
 *
 * Not checked: the CRDs' CEL rules (`x-kubernetes-validations`), which would need a CEL interpreter. At the
 * vendored versions they say, in short:
 * - NodePool (karpenter.sh/v1, both copies): `schedule` and `duration` of a disruption budget go together;
 *   nodeClassRef's group, kind and name are not empty (and group and kind never change); an `In`
 *   requirement has values, a `Gt`/`Lt`/`Gte`/`Lte` one a single non-negative integer, `minValues` no more
 *   than the values listed; labels and requirement keys stay out of restricted domains (karpenter.sh except
 *   capacity-type, kubernetes.io/hostname; the AWS copy: karpenter.k8s.aws except its well-known labels; the
 *   Azure copy: karpenter.azure.com and kubernetes.azure.com except theirs, and agentpool, storageprofile,
 *   storagetier, accelerator); a static NodePool (`replicas`) has no `weight`, no limit but `nodes`, and
 *   never turns dynamic.
 * - EC2NodeClass (karpenter.k8s.aws/v1): exactly one of `role` and `instanceProfile`, neither empty;
 *   `amiFamily` set unless an alias is used, and matching the alias's family; alias format
 *   (`family@version`, a known family, windows only `@latest`) and an alias alone in amiSelectorTerms;
 *   each selector term (AMI, subnet, security group, capacity reservation) sets one of its fields and `id`
 *   alone; no empty tag keys or values; subnet and security group terms not empty; at most one root
 *   volume; an EBS volume has `snapshotID` or `volumeSize`, `volumeInitializationRate` needs `snapshotID`;
 *   kubelet `imageGCHighThresholdPercent` above `imageGCLowThresholdPercent`, evictionSoft and its grace
 *   periods keyed alike, eviction and reserved keys from fixed lists, reserved quantities not negative;
 *   tags without the keys Karpenter sets itself (eks:eks-cluster-name, kubernetes.io/cluster/*,
 *   karpenter.sh/nodepool, karpenter.sh/nodeclaim, karpenter.k8s.aws/ec2nodeclass); networkInterfaces
 *   with a primary interface and no repeated card/device pair; placementGroupSelector `name` xor `id`;
 *   connectionTracking sets one of its timeouts.
 * - AKSNodeClass (karpenter.azure.com/v1beta1 and v1alpha2): FIPS not with Ubuntu2204/Ubuntu2404;
 *   `linuxOSConfig.swapFileSize` needs `kubelet.failSwapOn: false`; kubelet image GC thresholds ordered;
 *   sysctl pairs ordered (rmem/wmem default <= max, neighbour GC thresholds) and the local port range's
 *   bounds; localDNS overrides list the zones '.' and 'cluster.local', never forward cluster.local to
 *   VnetDNS nor external zones to ClusterCoreDNS, no serveStale Verify with ForceTCP; tag keys under 512
 *   characters without `<>%&?\`, values under 256.
 * - VerticalPodAutoscaler (autoscaling.k8s.io/v1): a startupBoost `factor` exactly when its type is
 *   Factor, `quantity` exactly when it is Quantity.
 */

const require = createRequire(import.meta.url);

type Ajv = Parameters<FormatsPlugin>[0];
type ValidateFunction = ReturnType<Ajv["compile"]>;
type AjvError = NonNullable<ValidateFunction["errors"]>[number];
type KeywordErrors = Partial<AjvError>[];

type JsonSchema = { [keyword: string]: unknown };

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: JsonSchema };
}

interface Crd {
  /** The vendored file it is in. */
  file: string;
  group: string;
  names: { kind: string };
  scope: "Namespaced" | "Cluster";
  versions: CrdVersion[];
}

const crdDirectory = new URL("./crds/", import.meta.url);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

let vendoredFiles: { name: string; text: string }[] | undefined;
const crdsByFile = new Map<string, Crd[]>();
const crdsByGroup = new Map<string, Crd[]>();

function files(): { name: string; text: string }[] {
  vendoredFiles ??= readdirSync(crdDirectory)
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((name) => ({ name, text: readFileSync(new URL(name, crdDirectory), "utf8") }));
  return vendoredFiles;
}

function crdsIn(name: string, text: string): Crd[] {
  let crds = crdsByFile.get(name);
  if (!crds) {
    crds = [];
    for (const document of parseAllDocuments(text)) {
      const crd = document.toJS() as { kind?: string; spec?: Omit<Crd, "file"> } | null;
      if (crd?.kind === "CustomResourceDefinition" && crd.spec) crds.push({ file: name, ...crd.spec });
    }
    crdsByFile.set(name, crds);
  }
  return crds;
}

/**
 * The vendored CRDs of an API group. Parsing YAML is the slow part (a large CRD takes a tenth of a second or
 * more), so only the files that mention the group are parsed, once, on first use.
 */
function crdsOf(group: string): Crd[] {
  let crds = crdsByGroup.get(group);
  if (!crds) {
    crds = files()
      .filter(({ text }) => text.includes(`group: ${group}`))
      .flatMap(({ name, text }) => crdsIn(name, text))
      .filter((crd) => crd.group === group);
    crdsByGroup.set(group, crds);
  }
  return crds;
}

/** Every apiVersion and kind a vendored CRD serves, once per CRD that serves it. */
export function vendoredKinds(): { apiVersion: string; kind: string; file: string }[] {
  return files().flatMap(({ name, text }) =>
    crdsIn(name, text).flatMap((crd) => crd.versions.filter((v) => v.served).map((v) => ({ apiVersion: `${crd.group}/${v.name}`, kind: crd.names.kind, file: crd.file }))),
  );
}

/**
 * Two vendored CRDs define karpenter.sh NodePool: the AWS provider's and the Azure provider's copy, which
 * differ only in CEL rules (which label domains are restricted). A NodePool is checked against the copy of
 * the provider whose node class it refers to.
 */
const nodePoolCopyByNodeClassGroup: Record<string, string> = {
  "karpenter.k8s.aws": "karpenter-aws_",
  "karpenter.azure.com": "karpenter-azure_",
};

function crdFor(object: KubeObject, group: string): Crd | undefined {
  const candidates = crdsOf(group).filter((crd) => crd.names.kind === object.kind);
  if (candidates.length <= 1) return candidates[0];
  const spec = isObject(object.spec) ? object.spec : {};
  const template = isObject(spec.template) && isObject(spec.template.spec) ? spec.template.spec : {};
  const nodeClassGroup = isObject(template.nodeClassRef) ? String(template.nodeClassRef.group) : "";
  const prefix = nodePoolCopyByNodeClassGroup[nodeClassGroup];
  return candidates.find((crd) => prefix !== undefined && crd.file.startsWith(prefix)) ?? candidates[0];
}

/** Go's time.ParseDuration syntax, which Kubernetes' `duration` format accepts: "30s", "1h30m", "1.5h". */
const goDuration = /^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$/;

/**
 * A CRD's `pattern` is a Go (RE2) regular expression. The ones vendored are JavaScript ones too, but for
 * the flags RE2 writes inline at the start: AKSNodeClass's `vnetSubnetID` is `(?i)^/subscriptions/...`.
 */
function goRegExp(pattern: string, flags: string): RegExp {
  const inline = /^\(\?([ims]+)\)/.exec(pattern);
  return inline ? new RegExp(pattern.slice(inline[0].length), flags + (inline[1] ?? "")) : new RegExp(pattern, flags);
}
goRegExp.code = "goRegExp";

/** Why two items of a `set` or `map` list clash, or nothing. */
function listTypeProblems(listType: unknown, items: unknown, mapKeys: unknown): KeywordErrors {
  if (!Array.isArray(items) || (listType !== "set" && listType !== "map")) return [];
  const keys = listType === "map" && Array.isArray(mapKeys) ? mapKeys.map(String) : undefined;
  const seen = new Map<string, number>();
  const problems: KeywordErrors = [];
  items.forEach((item: unknown, index) => {
    const identity = JSON.stringify(keys ? keys.map((key) => (isObject(item) ? item[key] : undefined)) : item);
    const first = seen.get(identity);
    if (first === undefined) seen.set(identity, index);
    else
      problems.push({
        keyword: "x-kubernetes-list-type",
        params: { listType },
        message: keys
          ? `must NOT have two items with the same ${keys.join(", ")} (items ## ${first} and ${index})`
          : `must NOT have duplicate items (items ## ${first} and ${index} are identical)`,
      });
  });
  return problems;
}

function checkListType(listType: unknown, items: unknown, parentSchema?: JsonSchema): boolean {
  checkListType.errors = listTypeProblems(listType, items, parentSchema?.["x-kubernetes-list-map-keys"]);
  return checkListType.errors.length === 0;
}
checkListType.errors = [] as KeywordErrors;

let ajvInstance: Ajv | undefined;

function ajv(): Ajv {
  if (!ajvInstance) {
    // Loaded on first use: most plans have few custom resources, and ajv takes a moment to load.
    const addFormats = require("ajv-formats") as FormatsPlugin;
    const { default: AjvClass } = require("ajv") as { default: new (options: Record<string, unknown>) => Ajv };
    // strict: false: ajv's strict mode refuses much that a CRD legitimately carries (formats on integers,
    // defaults it cannot apply, unknown keywords). optimize: false: ajv's code optimiser takes most of the
    // time to compile a CRD-sized schema, for no gain in a plan that validates a handful of objects.
    const instance = new AjvClass({ strict: false, allErrors: true, useDefaults: true, code: { regExp: goRegExp, optimize: false } });
    addFormats(instance);
    instance.addFormat("duration", goDuration);
    for (const keyword of [
      "x-kubernetes-validations",
      "x-kubernetes-map-type",
      "x-kubernetes-list-map-keys",
      "x-kubernetes-preserve-unknown-fields",
      "x-kubernetes-embedded-resource",
      "x-kubernetes-int-or-string",
    ]) {
      instance.addKeyword({ keyword });
    }
    instance.addKeyword({ keyword: "x-kubernetes-list-type", type: "array", schemaType: "string", errors: true, validate: checkListType });
    ajvInstance = instance;
  }
  return ajvInstance;
}

/** A CRD schema as ajv should read it (see the top of this file). Collects the formats it uses. */
function structural(schema: JsonSchema, formats: Set<string>): JsonSchema {
  const out: JsonSchema = {};
  for (const [keyword, value] of Object.entries(schema)) {
    if (keyword === "description") continue;
    if (keyword === "properties" && isObject(value)) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, property]) => [name, isObject(property) ? structural(property, formats) : property]));
    } else if ((keyword === "items" || keyword === "additionalProperties" || keyword === "not") && isObject(value)) {
      out[keyword] = structural(value, formats);
    } else if ((keyword === "anyOf" || keyword === "allOf" || keyword === "oneOf") && Array.isArray(value)) {
      out[keyword] = value.map((branch: unknown) => (isObject(branch) ? structural(branch, formats) : branch));
    } else {
      out[keyword] = value;
    }
  }
  if (typeof out.format === "string") formats.add(out.format);
  if (out["x-kubernetes-int-or-string"] === true && out.type === undefined && out.anyOf === undefined) out.anyOf = [{ type: "integer" }, { type: "string" }];
  const open = out["x-kubernetes-preserve-unknown-fields"] === true || out["x-kubernetes-embedded-resource"] === true;
  if (out.properties !== undefined && out.additionalProperties === undefined && !open) out.additionalProperties = false;
  return out;
}

const validators = new Map<string, ValidateFunction>();

function validatorFor(crd: Crd, version: CrdVersion): ValidateFunction {
  const key = `${crd.file}#${crd.names.kind}#${version.name}`;
  let validate = validators.get(key);
  if (!validate) {
    const formats = new Set<string>();
    const schema = structural(version.schema?.openAPIV3Schema ?? { type: "object", "x-kubernetes-preserve-unknown-fields": true }, formats);
    // The vendored files leave out status, which the program never sets; one that is set is not checked.
    if (isObject(schema.properties)) schema.properties.status ??= {};
    for (const format of formats) if (!(format in ajv().formats)) ajv().addFormat(format, true);
    validate = ajv().compile(schema);
    validators.set(key, validate);
  }
  return validate;
}

/** `/spec/template/metadata/labels/karpenter.sh~1capacity-type` as `spec.template.metadata.labels.karpenter.sh/capacity-type`. */
function fieldPath(instancePath: string): string {
  const path = instancePath
    .split("/")
    .slice(1)
    .map((segment) => segment.replaceAll("~1", "/").replaceAll("~0", "~"))
    .join(".");
  return path || "(object)";
}

/** An ajv error in the `[schema]` rule's words: `spec.addresses.0: must have required property 'value'`. */
function describeError(error: AjvError): string {
  const path = fieldPath(error.instancePath);
  if (error.keyword === "additionalProperties") {
    return `${path}: must NOT have additional property '${String(error.params.additionalProperty)}' (not in the CRD schema; the API server drops it)`;
  }
  if (error.keyword === "enum" && Array.isArray(error.params.allowedValues)) {
    return `${path}: ${error.message ?? "must be one of the allowed values"}: ${error.params.allowedValues.map(String).join(", ")}`;
  }
  return `${path}: ${error.message ?? "is invalid"}`;
}

const dnsSubdomain = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const dnsLabel = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** What the API server checks of any object's metadata, as far as the program sets it. */
function metadataProblems(object: KubeObject, namespaced: boolean): string[] {
  const metadata: unknown = object.metadata;
  if (!isObject(metadata)) return []; // the schema reports it
  const problems: string[] = [];
  if (metadata.name === undefined) problems.push("metadata: must have required property 'name'");
  else if (typeof metadata.name !== "string" || !dnsSubdomain.test(metadata.name)) {
    problems.push("metadata.name: must be a DNS subdomain (lower-case letters, digits, '-' and '.', at most 253 characters)");
  }
  if (!namespaced && metadata.namespace !== undefined) problems.push(`metadata.namespace: ${object.kind} is cluster-scoped; it has no namespace`);
  if (namespaced && metadata.namespace !== undefined && (typeof metadata.namespace !== "string" || !dnsLabel.test(metadata.namespace))) {
    problems.push("metadata.namespace: must be a DNS label (lower-case letters, digits and '-', at most 63 characters)");
  }
  for (const map of ["labels", "annotations"]) {
    const entries = metadata[map];
    if (entries === undefined) continue;
    if (!isObject(entries)) problems.push(`metadata.${map}: must be object`);
    else for (const [key, value] of Object.entries(entries)) if (typeof value !== "string") problems.push(`metadata.${map}.${key}: must be string`);
  }
  return problems;
}

function checkAgainstCrd(object: KubeObject, crd: Crd, versionName: string): string[] {
  const version = crd.versions.find((v) => v.name === versionName);
  if (!version?.served) {
    const served = crd.versions.filter((v) => v.served).map((v) => `${crd.group}/${v.name}`);
    return [`apiVersion: ${crd.group}/${versionName} is not served by the ${crd.names.kind} CRD (src/plan/validate/crds/${crd.file}); use ${served.join(" or ")}`];
  }
  const validate = validatorFor(crd, version);
  // A copy: applying defaults changes what is checked.
  const problems = metadataProblems(object, crd.scope === "Namespaced");
  if (!validate(structuredClone(object))) problems.push(...(validate.errors ?? []).map(describeError));
  return [...new Set(problems)];
}

const subnetId = z.string().regex(/^subnet-[0-9a-f]+$/, "must be a subnet ID (subnet-...)");
const keyValues = z.array(z.strictObject({ key: z.string().min(1), value: z.string() }));

/**
 * IngressClassParams (eks.amazonaws.com/v1) configures EKS Auto Mode's ALBs. EKS installs its CRD in the
 * cluster and publishes no CRD file, so this is the schema AWS documents in "Create an IngressClass to
 * configure an Application Load Balancer" (https://docs.aws.amazon.com/eks/latest/userguide/auto-configure-alb.html):
 * its IngressClassParams reference (scheme, namespaceSelector, group.name, ipAddressType, subnets.ids,
 * subnet tags, certificateARNs, tags, loadBalancerAttributes) and its comparison with the AWS Load Balancer
 * Controller's elbv2.k8s.aws/v1beta1 IngressClassParams (certificateArn became certificateARNs, subnets.tags
 * became subnets.matchTags; listener attributes are not supported). Where the page gives only an example
 * value, the shape is the controller's CRD's: tags and loadBalancerAttributes are lists of {key, value},
 * subnet tags map a tag to the values it may have, exactly one of subnet ids and tags, the scheme and
 * ipAddressType enums, and the IngressGroup name rule of the controller's group.name annotation. Fields the
 * page does not document are refused, so a misspelt one is caught; add one here once AWS documents it.
 */
const ingressClassParams = z.object({
  apiVersion: z.literal("eks.amazonaws.com/v1"),
  kind: z.literal("IngressClassParams"),
  metadata: z.looseObject({ name: z.string().regex(dnsSubdomain, "must be a DNS subdomain"), namespace: z.undefined("IngressClassParams is cluster-scoped; it has no namespace").optional() }),
  spec: z
    .strictObject({
      scheme: z.enum(["internal", "internet-facing"]).optional(),
      namespaceSelector: z
        .strictObject({
          matchLabels: z.record(z.string(), z.string()).optional(),
          matchExpressions: z
            .array(z.strictObject({ key: z.string().min(1), operator: z.enum(["In", "NotIn", "Exists", "DoesNotExist"]), values: z.array(z.string()).optional() }))
            .optional(),
        })
        .optional(),
      group: z
        .strictObject({
          name: z
            .string()
            .max(63)
            .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, "must be lower-case letters, digits, '-' and '.', starting and ending with a letter or digit"),
        })
        .optional(),
      ipAddressType: z.enum(["ipv4", "dualstack", "dualstack-without-public-ipv4"]).optional(),
      subnets: z
        .strictObject({ ids: z.array(subnetId).min(1).optional(), matchTags: z.record(z.string(), z.array(z.string())).optional() })
        .refine((subnets) => (subnets.ids === undefined) !== (subnets.matchTags === undefined), "must set exactly one of ids and matchTags")
        .optional(),
      certificateARNs: z.array(z.string().regex(/^arn:aws[a-z-]*:(acm|iam):/, "must be the ARN of an ACM or IAM certificate")).min(1).optional(),
      tags: keyValues.optional(),
      loadBalancerAttributes: keyValues.optional(),
    })
    .optional(),
});

const selectorTerms = z.array(z.strictObject({ id: z.string().min(1).optional(), tags: z.record(z.string(), z.string()).optional() })).min(1);

/**
 * NodeClass (eks.amazonaws.com/v1) shapes EKS Auto Mode's nodes; like IngressClassParams, EKS installs its
 * CRD and publishes none. The fields of its reference (docs.aws.amazon.com/eks/latest/userguide/create-node-class.html):
 * the node role (`role`, by name, or `instanceProfile`), subnet and security group selectors, SNAT, network
 * policy and its event logs, ephemeral storage, and tags.
 */
const nodeClass = z.object({
  apiVersion: z.literal("eks.amazonaws.com/v1"),
  kind: z.literal("NodeClass"),
  metadata: z.looseObject({ name: z.string().regex(dnsSubdomain, "must be a DNS subdomain"), namespace: z.undefined("NodeClass is cluster-scoped; it has no namespace").optional() }),
  spec: z
    .strictObject({
      role: z.string().min(1).optional(),
      instanceProfile: z.string().min(1).optional(),
      subnetSelectorTerms: selectorTerms.optional(),
      securityGroupSelectorTerms: selectorTerms.optional(),
      podSubnetSelectorTerms: selectorTerms.optional(),
      podSecurityGroupSelectorTerms: selectorTerms.optional(),
      snatPolicy: z.enum(["Random", "Disabled"]).optional(),
      networkPolicy: z.enum(["DefaultAllow", "DefaultDeny"]).optional(),
      networkPolicyEventLogs: z.enum(["Enabled", "Disabled"]).optional(),
      ephemeralStorage: z.strictObject({ size: z.string().optional(), iops: z.number().int().optional(), throughput: z.number().int().optional(), kmsKeyID: z.string().optional() }).optional(),
      tags: z.record(z.string(), z.string()).optional(),
    })
    .refine((spec) => spec.role === undefined || spec.instanceProfile === undefined, "must set at most one of role and instanceProfile"),
});

/** Custom resources with no CRD file to vendor, checked by schemas of our own, by `apiVersion/kind`. */
const ownSchemas: Record<string, z.ZodType> = {
  "eks.amazonaws.com/v1/IngressClassParams": ingressClassParams,
  "eks.amazonaws.com/v1/NodeClass": nodeClass,
};

/**
 * The problems of a custom resource against its vendored CRD (or a schema of ours, for a custom resource
 * with no published CRD), in the `[schema]` rule's words; undefined if no vendored CRD defines its kind.
 */
export function crdSchemaProblems(object: KubeObject): string[] | undefined {
  const own = ownSchemas[`${object.apiVersion}/${object.kind}`];
  if (own) {
    const result = own.safeParse(object);
    return result.success ? [] : result.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
  }
  const match = /^([a-z0-9.-]+\.[a-z0-9.-]+)\/([a-z0-9]+)$/.exec(object.apiVersion);
  if (!match) return undefined; // the core group and apps/v1-style groups have no CRDs
  const [, group = "", version = ""] = match;
  const crd = crdFor(object, group);
  return crd && checkAgainstCrd(object, crd, version);
}
