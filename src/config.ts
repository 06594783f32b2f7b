import * as pulumi from "@pulumi/pulumi";
import { closest, distance } from "fastest-levenshtein";
import type { z } from "zod";
import { aksConfig, type AksSettings } from "./config/aks.js";
import { appConfig, type AppSettings } from "./config/app.js";
import { ConfigError, type ConfigProblem } from "./config/errors.js";
import { eksConfig, type EksSettings } from "./config/eks.js";
import { existingConfig, type ExistingSettings } from "./config/existing.js";
import { fleetKeys, loadFleetSettings, type FleetSettings } from "./config/fleet.js";
import { field } from "./config/fields.js";
import { policyNames } from "../policy/policies/names.js";
import { defineFragment, type ConfigContext, type ConfigFragment, type Environment } from "./config/fragment.js";

export { ConfigError } from "./config/errors.js";
export type { AksSettings, AppSettings, EksSettings, Environment, ExistingSettings, FleetSettings };

export const clouds = ["azure", "aws", "existing"] as const;
export type Cloud = (typeof clouds)[number];
/** What `cloud` may be: a cluster's cloud, or `fleet`, a stack of several clusters (src/config/fleet.ts). */
const stackClouds = [...clouds, "fleet"] as const;

export type PlatformSettings =
  | { cloud: "azure"; aks: AksSettings }
  | { cloud: "aws"; eks: EksSettings }
  | { cloud: "existing"; existing: ExistingSettings };

/** The whole stack config, validated and typed. */
export interface Settings {
  project: string;
  stack: string;
  /** Base name for the stack's resources; defaults to the stack name. */
  name: string;
  environment: Environment;
  /** Whether stateful and hard-to-recreate resources carry `protect`. */
  protect: boolean;
  /** Tags (labels) put on every cloud resource that takes them. */
  tags: Record<string, string>;
  /** Policies of the policy pack the stack relaxes, by name, with the reason (dev only). */
  policyWaivers: Record<string, string>;
  platform: PlatformSettings;
  app: AppSettings;
}

const environments = ["dev", "prod"] as const;

/** Keys every stack has, whatever its cloud. */
function commonConfig(ctx: ConfigContext) {
  return defineFragment(
    {
      cloud: field.oneOf(stackClouds),
      environment: field.oneOf(environments),
      name: field.string({
        default: ctx.stack,
        pattern: /^[a-z][a-z0-9-]{0,14}[a-z0-9]$/,
        expected: "2-16 lowercase letters, digits or hyphens, starting with a letter",
      }),
      protect: field.boolean({ default: ctx.environment === "prod" }),
      tags: field.keyValueList({ default: {}, expected: "a list of name=value tags" }),
      policyWaivers: field.keyValueList({ default: {}, expected: "a list of policy=reason entries, such as api-endpoint-restricted=workshop attendees connect from anywhere" }),
    },
    (v, report) => {
      for (const [policy, reason] of Object.entries(v.policyWaivers)) {
        if (!(policyNames as readonly string[]).includes(policy)) {
          report("policyWaivers", `names of the policy pack's policies (${policyNames.join(", ")}); ${policy} is not one`);
        } else if (reason.trim() === "") {
          report("policyWaivers", `a reason for each waiver; ${policy} has none`);
        }
      }
      if (ctx.environment === "prod" && Object.keys(v.policyWaivers).length > 0) {
        report("policyWaivers", "an empty list in prod: only a dev stack may relax a policy");
      }
      return v;
    },
  );
}

const platformFragments: Record<Cloud, (ctx: ConfigContext) => ConfigFragment<unknown>> = {
  azure: aksConfig,
  aws: eksConfig,
  existing: existingConfig,
};

/** Where the config comes from; by default the running Pulumi program's own. */
export interface ConfigSource {
  project: string;
  stack: string;
  /** Every config value by its full key (`project:key` or `provider:key`), as Pulumi hands them over. */
  values: Record<string, string>;
  /**
   * Keys (full or short) whose values the offline plan stood in as labelled examples; see
   * `ConfigContext.examples`. A real `pulumi up` has none.
   */
  examples?: readonly string[];
}

/** The running program's own config; `examples` as the offline plan labels them. */
export function currentSource(examples: readonly string[] = []): ConfigSource {
  return { project: pulumi.getProject(), stack: pulumi.getStack(), values: pulumi.runtime.allConfig(), examples };
}

/**
 * Reads the stack config into one validated Settings object. Every problem is collected and reported
 * at once, naming the key, the value given and what is accepted, before any resource is registered.
 */
export function loadSettings(source: ConfigSource = currentSource()): Settings {
  const { project, stack } = source;
  const prefix = `${project}:`;
  const values: Record<string, string> = {};
  const fullKey = (key: string) => (key.includes(":") ? key : `${prefix}${key}`);
  for (const [key, value] of Object.entries(source.values)) {
    values[key.startsWith(prefix) ? key.slice(prefix.length) : key] = value;
  }
  const problems: ConfigProblem[] = [];
  const collect = <T>(fragment: ConfigFragment<T>): T | undefined => {
    const result = fragment.schema.safeParse(values);
    if (result.success) return result.data;
    for (const issue of result.error.issues as z.core.$ZodIssue[]) {
      const key = String(issue.path[0] ?? "");
      problems.push({ key: fullKey(key), value: values[key], expected: issue.message });
    }
    return undefined;
  };

  // The environment and cloud pick the defaults and the keys of everything else, so they come first.
  const environment = environments.find((e) => e === values.environment) ?? "dev";
  const examples = new Set((source.examples ?? []).map((key) => (key.startsWith(prefix) ? key.slice(prefix.length) : key)));
  const ctx: ConfigContext = { environment, stack, examples };
  const common = collect(commonConfig(ctx));
  const cloud = clouds.find((c) => c === values.cloud);
  const platformFragment = cloud ? platformFragments[cloud](ctx) : undefined;
  const platform = platformFragment ? collect(platformFragment) : undefined;
  const app = collect(appConfig(ctx));

  problems.push(...unknownKeys(values, prefix, ctx, cloud));
  if (values.cloud === "fleet") problems.push({ key: fullKey("cloud"), value: "fleet", expected: "a cluster's cloud (azure, aws or existing): a fleet is read by loadStackSettings" });
  if (problems.length > 0 || !common || !cloud || platform === undefined || !app) {
    throw new ConfigError(stack, problems);
  }
  return {
    project,
    stack,
    name: common.name,
    environment: common.environment,
    protect: common.protect,
    tags: common.tags,
    policyWaivers: common.policyWaivers,
    platform: toPlatform(cloud, platform),
    app,
  };
}

function toPlatform(cloud: Cloud, settings: unknown): PlatformSettings {
  switch (cloud) {
    case "azure":
      return { cloud, aks: settings as AksSettings };
    case "aws":
      return { cloud, eks: settings as EksSettings };
    case "existing":
      return { cloud, existing: settings as ExistingSettings };
  }
}

/** A stack's config: one cluster's, or a fleet's. */
export type StackSettings = { kind: "cluster"; settings: Settings } | { kind: "fleet"; fleet: FleetSettings };

/** Reads a stack's config, a fleet's (`cloud: fleet`) or a single cluster's, validated as a whole before any resource. */
export function loadStackSettings(source: ConfigSource = currentSource()): StackSettings {
  if (source.values[`${source.project}:cloud`] !== "fleet") return { kind: "cluster", settings: loadSettings(source) };
  const ctx: ConfigContext = { environment: "dev", stack: source.stack, examples: new Set() };
  const sharedKeys = [...commonConfig(ctx).keys, ...appConfig(ctx).keys].filter((k) => !k.includes(":"));
  return { kind: "fleet", fleet: loadFleetSettings(source, { loadSettings, sharedKeys }) };
}

/** Every key of this project that no fragment in play accepts: a typo must not be silently ignored. */
function unknownKeys(values: Record<string, string>, prefix: string, ctx: ConfigContext, cloud: Cloud | undefined): ConfigProblem[] {
  const active = new Set([
    ...commonConfig(ctx).keys,
    ...appConfig(ctx).keys,
    ...(cloud ? platformFragments[cloud](ctx).keys : clouds.flatMap((c) => platformFragments[c](ctx).keys)),
  ]);
  const otherClouds = new Map<string, string>([
    ...clouds.filter((c) => c !== cloud).flatMap((c) => platformFragments[c](ctx).keys.map((k) => [k, c] as const)),
    ...fleetKeys.map((k) => [k, "fleet"] as const),
  ]);
  const ours = [...active].filter((k) => !k.includes(":"));
  return Object.keys(values)
    .filter((key) => !key.includes(":") && !active.has(key))
    .map((key) => {
      const owner = otherClouds.get(key);
      const suggestion = closest(key, ours);
      const expected = owner
        ? `a key for cloud ${owner}, but cloud is ${cloud}; remove it`
        : distance(key, suggestion) <= 3
          ? `not a known key; did you mean ${prefix}${suggestion}?`
          : `not a known key; the keys are documented in Pulumi.yaml`;
      return { key: `${prefix}${key}`, value: values[key], expected };
    });
}

/** Every key this project accepts, for every cloud and environment: what Pulumi.yaml must document. */
export function allProjectKeys(): string[] {
  const keys = new Set<string>();
  for (const environment of environments) {
    const ctx: ConfigContext = { environment, stack: "any", examples: new Set() };
    for (const fragment of [commonConfig(ctx), appConfig(ctx), ...clouds.map((c) => platformFragments[c](ctx))]) {
      fragment.keys.filter((k) => !k.includes(":")).forEach((k) => keys.add(k));
    }
  }
  fleetKeys.forEach((k) => keys.add(k));
  return [...keys].sort();
}
