import { z } from "zod";
import { parseCidr } from "../../components/cidr.js";

/**
 * Stack config arrives as strings: Pulumi hands scalars over as text and objects as JSON. These fields
 * turn one raw value into a typed one, and describe what they accept so that every error can say it.
 */
export type Field<T> = z.ZodType<T, string | undefined>;

function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: "custom", message });
  return z.NEVER as never;
}

interface FieldOptions<T> {
  /** What the field accepts, in words: "an integer from 1 to 100". */
  expected: string;
  /** The value when the key is not set; a required field has none. */
  default?: T;
}

/** What went wrong with a value, when there is more to say than what the field accepts. */
type Explain = (raw: string) => string | undefined;

function rawField<T>(parse: (raw: string) => T | undefined, options: FieldOptions<T>, explain?: Explain): Field<T> {
  const hasDefault = Object.prototype.hasOwnProperty.call(options, "default");
  return z
    .string()
    .optional()
    .transform((raw, ctx): T => {
      if (raw === undefined) {
        return hasDefault ? (options.default as T) : fail(ctx, `required; expected ${options.expected}`);
      }
      const value = parse(raw);
      if (value !== undefined) return value;
      const details = explain?.(raw);
      return fail(ctx, `expected ${options.expected}${details ? ` (${details})` : ""}`);
    });
}

/** A field with no default that may stay unset. */
function optionalField<T>(parse: (raw: string) => T | undefined, expected: string): Field<T | undefined> {
  return rawField<T | undefined>(parse, { expected, default: undefined });
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const at = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  return at ? `${at.replace(/^\./, "")}: ${issue.message}` : issue.message;
}

export const field = {
  string(options: FieldOptions<string> & { pattern?: RegExp }): Field<string> {
    return rawField((raw) => (raw.trim() !== "" && (options.pattern?.test(raw) ?? true) ? raw : undefined), options);
  },

  optionalString(expected: string, pattern?: RegExp): Field<string | undefined> {
    return optionalField((raw) => (raw.trim() !== "" && (pattern?.test(raw) ?? true) ? raw : undefined), expected);
  },

  integer(options: { min: number; max: number; default?: number }): Field<number> {
    const expected = `an integer from ${options.min} to ${options.max}`;
    return rawField((raw) => {
      if (!/^-?\d+$/.test(raw.trim())) return undefined;
      const value = Number(raw);
      return value >= options.min && value <= options.max ? value : undefined;
    }, { ...options, expected });
  },

  optionalInteger(options: { min: number; max: number }): Field<number | undefined> {
    return optionalField((raw) => {
      const value = Number(raw);
      return /^-?\d+$/.test(raw.trim()) && value >= options.min && value <= options.max ? value : undefined;
    }, `an integer from ${options.min} to ${options.max}`);
  },

  boolean(options: { default?: boolean } = {}): Field<boolean> {
    return rawField((raw) => (raw === "true" ? true : raw === "false" ? false : undefined), {
      ...options,
      expected: "true or false",
    });
  },

  oneOf<const T extends string>(values: readonly T[], options: { default?: T } = {}): Field<T> {
    return rawField((raw) => values.find((v) => v === raw), {
      ...options,
      expected: `one of ${values.join(", ")}`,
    });
  },

  /** One of `values`, or unset, so that its default can depend on other keys. */
  optionalOneOf<const T extends string>(values: readonly T[]): Field<T | undefined> {
    return optionalField((raw) => values.find((v) => v === raw), `one of ${values.join(", ")}`);
  },

  cidr(options: { default?: string } = {}): Field<string> {
    return rawField((raw) => (parseCidr(raw) ? raw : undefined), {
      ...options,
      expected: "an IPv4 CIDR block such as 10.0.0.0/16, with no host bits set",
    });
  },

  /** A JSON value (a list or an object in the stack file) checked by a zod schema. */
  json<T>(schema: z.ZodType<T>, options: FieldOptions<T>): Field<T> {
    const check = (raw: string) => schema.safeParse(parseJson(raw));
    return rawField(
      (raw) => {
        const result = check(raw);
        return result.success ? result.data : undefined;
      },
      options,
      (raw) => check(raw).error?.issues.map(describeIssue).join("; "),
    );
  },

  /** A list of strings, each checked by `item`. */
  stringList(options: FieldOptions<string[]> & { item: (value: string) => boolean; itemExpected: string; minItems?: number; maxItems?: number }): Field<string[]> {
    const schema = z
      .array(z.string().refine(options.item, { message: `expected ${options.itemExpected}` }))
      .min(options.minItems ?? 0, { message: `needs at least ${options.minItems ?? 0} item(s)` })
      .max(options.maxItems ?? 1_000, { message: `takes at most ${options.maxItems ?? 1_000} item(s)` });
    return field.json(schema, options);
  },

  /**
   * A map given as a list of `key=value` strings, such as resource tags. Pulumi.yaml can declare
   * arrays of strings but not objects, so maps and records travel in this form.
   */
  keyValueList(options: FieldOptions<Record<string, string>>): Field<Record<string, string>> {
    const pair = z.string().regex(/^[^=\s][^=]*=.*$/, { message: "expected key=value" });
    return field.json(z.array(pair).transform((pairs) => Object.fromEntries(pairs.map(splitPair))), options);
  },

  /**
   * A list of records, each written as `key=value,key=value` (e.g. `name=user,count=2`), checked by
   * `schema` after numbers and booleans are read as such.
   */
  recordList<T>(schema: z.ZodType<T>, options: FieldOptions<T[]>): Field<T[]> {
    const record = z.string().transform((text, ctx): T => {
      const entries = text.split(",").map((part) => part.trim());
      if (entries.some((e) => !/^[A-Za-z][A-Za-z0-9]*=/.test(e))) {
        return fail(ctx, `expected key=value pairs separated by commas, got ${JSON.stringify(text)}`);
      }
      const result = schema.safeParse(Object.fromEntries(entries.map(splitPair).map(([k, v]) => [k, readScalar(v)])));
      return result.success ? result.data : fail(ctx, result.error.issues.map(describeIssue).join("; "));
    });
    return field.json(z.array(record), options);
  },
};

function splitPair(text: string): [string, string] {
  const at = text.indexOf("=");
  return [text.slice(0, at).trim(), text.slice(at + 1).trim()];
}

function readScalar(text: string): string | number | boolean {
  if (text === "true" || text === "false") return text === "true";
  return /^-?\d+$/.test(text) ? Number(text) : text;
}

/** True for IPv4 CIDR blocks; for list items. */
export function isCidr(value: string): boolean {
  return parseCidr(value) !== undefined;
}
