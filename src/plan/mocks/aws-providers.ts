import type { Inputs, MockContext } from "./types.js";

/**
 * The regions of the explicit AWS providers registered so far, by stack and provider name: a resource or
 * invoke that goes through one runs in its region (and AWS provider 7 reports it as `region`), as a fleet's
 * members do, each with its own.
 */
const providerRegions = new Map<string, string>();

/** A provider reference is `<urn>::<id>`, and a URN ends with `::<name>`. */
function providerName(reference: string | undefined): string | undefined {
  const parts = reference?.split("::") ?? [];
  return parts.length >= 2 && reference?.includes("pulumi:providers:aws") ? parts[parts.length - 2] : undefined;
}

/** The inputs with the region of the explicit provider they go through, unless they name one. */
export function withProviderRegion(inputs: Inputs, reference: string | undefined, ctx: MockContext): Inputs {
  const name = providerName(reference);
  const providerRegion = name === undefined ? undefined : providerRegions.get(`${ctx.stack}/${name}`);
  return providerRegion === undefined || typeof inputs.region === "string" ? inputs : { ...inputs, region: providerRegion };
}

/** Records an explicit provider's region, for what goes through it. */
export function rememberProviderRegion(ctx: MockContext, name: string, region: string): void {
  providerRegions.set(`${ctx.stack}/${name}`, region);
}
