import { z } from "zod";
import type { Field } from "./fields.js";

export type Environment = "dev" | "prod";

/** What a fragment's defaults may depend on. */
export interface ConfigContext {
  environment: Environment;
  stack: string;
  /**
   * Keys whose values are labelled examples the offline plan stood in for what a real `pulumi up`
   * needs from the user (an address, an account). Checks that refuse documentation-only values let
   * these through; nothing else does.
   */
  examples: ReadonlySet<string>;
}

/** Reports a problem with one key from a cross-field check. */
export type ReportProblem = (key: string, expected: string) => void;

/**
 * A group of config keys that belong together (the AKS keys, the app keys...). `keys` lists what the
 * group accepts, so that anything else can be reported as unknown; `schema` turns the raw values into
 * typed settings, with cross-field checks reported against the key at fault.
 */
export interface ConfigFragment<T> {
  keys: readonly string[];
  schema: z.ZodType<T, Record<string, string | undefined>>;
}

export function defineFragment<S extends Record<string, Field<unknown>>, T>(
  shape: S,
  build: (values: { [K in keyof S]: z.output<S[K]> }, report: ReportProblem) => T,
): ConfigFragment<T> {
  const schema = z.object(shape).transform((values, ctx) => {
    const report: ReportProblem = (key, expected) => ctx.addIssue({ code: "custom", path: [key], message: expected });
    return build(values as { [K in keyof S]: z.output<S[K]> }, report);
  });
  return { keys: Object.keys(shape), schema: schema as unknown as z.ZodType<T, Record<string, string | undefined>> };
}
