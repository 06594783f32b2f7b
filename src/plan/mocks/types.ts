import type { MockCallArgs, MockCallResult, MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime/index.js";

/** What every mock module may use: the stack being planned and stable name suffixes. */
export interface MockContext {
  project: string;
  stack: string;
  /** A stable 8-character hex suffix for `seed`, as Pulumi's auto-naming would add (but repeatable). */
  suffix(seed: string): string;
}

/** The inputs of a resource or invoke, as the mock runtime hands them over. */
export type Inputs = Record<string, unknown>;

/**
 * Realistic ids, outputs and invoke results for one provider. Each hook returns undefined for the
 * types or tokens it does not know, so modules compose.
 */
export interface MockModule {
  newResource?(args: MockResourceArgs & { inputs: Inputs }, ctx: MockContext): MockResourceResult | undefined;
  call?(args: MockCallArgs & { inputs: Inputs }, ctx: MockContext): MockCallResult | undefined;
}
