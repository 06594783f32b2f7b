import { createHash } from "node:crypto";
import type { Mocks } from "@pulumi/pulumi/runtime/index.js";
import { awsMocks } from "./aws.js";
import { azureMocks } from "./azure.js";
import { dockerBuildMocks } from "./docker-build.js";
import { kubernetesMocks } from "./kubernetes.js";
import { randomMocks } from "./random.js";
import type { Inputs, MockContext, MockModule } from "./types.js";

export type { MockContext, MockModule } from "./types.js";

/**
 * Every provider's mocks; the first module that knows a type or token answers. AWS's comes first: it
 * keeps the regions of its explicit providers, which the Kubernetes module would otherwise answer for.
 */
const modules: MockModule[] = [awsMocks, kubernetesMocks, azureMocks, dockerBuildMocks, randomMocks];

export function stableSuffix(seed: string): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, 8);
}

/** Thrown for an invoke no module knows: the offline plan must never invent data silently. */
export class UnmockedInvokeError extends Error {
  constructor(token: string) {
    super(`The offline plan has no mock for the invoke ${token}; add one under src/plan/mocks/.`);
    this.name = "UnmockedInvokeError";
  }
}

/** Mocks for the whole program: realistic ids and outputs, and invokes that return plausible data. */
export function createMocks(project: string, stack: string): Mocks {
  const ctx: MockContext = { project, stack, suffix: (seed) => stableSuffix(`${stack}/${seed}`) };
  return {
    newResource(args) {
      const typed = { ...args, inputs: (args.inputs ?? {}) as Inputs };
      for (const module of modules) {
        const result = module.newResource?.(typed, ctx);
        if (result) return result;
      }
      const id = args.custom ? `${args.name}-${ctx.suffix(`${args.type}/${args.name}`)}` : undefined;
      return { id, state: typed.inputs };
    },
    call(args) {
      const typed = { ...args, inputs: (args.inputs ?? {}) as Inputs };
      for (const module of modules) {
        const result = module.call?.(typed, ctx);
        if (result) return result;
      }
      throw new UnmockedInvokeError(args.token);
    },
  };
}
