import * as pulumi from "@pulumi/pulumi";
import type { RegisterResourceOutputsRequest, RegisterResourceRequest, RegisterResourceResponse } from "@pulumi/pulumi/proto/resource_pb.js";
import type { Mocks } from "@pulumi/pulumi/runtime/index.js";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks.js";
import { decodeProperties } from "./decode.js";
import { createMocks } from "./mocks/index.js";
import { offlineExamples, type OfflineExample } from "./offline-examples.js";
import { readStackConfig } from "./stack-config.js";

export type Properties = Record<string, unknown>;

/** One resource as the program registered it, with the options that shape `pulumi up`. */
export interface CapturedResource {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  provider?: string;
  id?: string;
  inputs: Properties;
  outputs: Properties;
  /** Paths (e.g. `spec.data.password`) of inputs that are Pulumi secrets. */
  secretInputs: string[];
  /** Every resource this one waits for: explicit `dependsOn` and those its inputs come from. */
  dependencies: string[];
  /** The resources each input comes from. */
  propertyDependencies: Record<string, string[]>;
  protect: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  deleteBeforeReplace: boolean;
  /** The names (or URNs) it was known by before, from its `aliases`: Pulumi moves their state to it. */
  aliases: string[];
  retainOnDelete: boolean;
  deletedWith?: string;
  additionalSecretOutputs: string[];
  customTimeouts?: { create?: string; update?: string; delete?: string };
  /** What a component passed to `registerOutputs`; undefined if it never called it. */
  registeredOutputs?: Properties;
  /** Paths of the registered outputs that are Pulumi secrets (a component's kubeconfig, a password). */
  secretRegisteredOutputs?: string[];
}

export interface StackOutput {
  value: unknown;
  secret: boolean;
}

export interface Capture {
  project: string;
  stack: string;
  resources: CapturedResource[];
  outputs: Record<string, StackOutput>;
  invokes: { token: string; inputs: Properties }[];
}

const rootStackType = "pulumi:pulumi:Stack";

/** Stack outputs as the engine stores them: secrets stay marked. */
function readStackOutputs(rawOutputs: Properties): Record<string, StackOutput> {
  const outputs: Record<string, StackOutput> = {};
  for (const [key, raw] of Object.entries(rawOutputs)) {
    const secrets: string[] = [];
    outputs[key] = { value: decodeProperties(raw, secrets), secret: secrets.length > 0 };
  }
  return outputs;
}

function orUndefined(value: string | undefined): string | undefined {
  return value ? value : undefined;
}

function readTimeouts(
  timeouts: { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined,
): CapturedResource["customTimeouts"] {
  if (!timeouts || !(timeouts.getCreate() || timeouts.getUpdate() || timeouts.getDelete())) return undefined;
  return { create: orUndefined(timeouts.getCreate()), update: orUndefined(timeouts.getUpdate()), delete: orUndefined(timeouts.getDelete()) };
}

function propertyDependencies(req: RegisterResourceRequest): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((deps, key) => {
    result[key] = deps.getUrnsList();
  });
  return result;
}

/** The mock monitor, recording every request the program makes on its way to the mocks. */
class CapturingMonitor extends MockMonitor {
  readonly captured = new Map<string, CapturedResource>();
  readonly invokes: Capture["invokes"] = [];
  stackOutputs: Record<string, StackOutput> = {};

  override async registerResource(
    req: RegisterResourceRequest,
    callback: (err: unknown, response: RegisterResourceResponse | undefined) => void,
  ): Promise<void> {
    await super.registerResource(req, (err: unknown, response: RegisterResourceResponse | undefined) => {
      if (response) {
        const secretInputs: string[] = [];
        const timeouts = req.getCustomtimeouts();
        const resource: CapturedResource = {
          urn: response.getUrn(),
          type: req.getType(),
          name: req.getName(),
          custom: req.getCustom(),
          parent: orUndefined(req.getParent()),
          // A provider reference is `<urn>::<id>`; the URN alone names the resource.
          provider: orUndefined(req.getProvider().replace(/::[^:]*$/, "")),
          id: orUndefined(response.getId()),
          inputs: decodeProperties(req.getObject()?.toJavaScript() ?? {}, secretInputs) as Properties,
          outputs: decodeProperties(response.getObject()?.toJavaScript() ?? {}, []) as Properties,
          secretInputs,
          dependencies: req.getDependenciesList(),
          propertyDependencies: propertyDependencies(req),
          protect: req.getProtect() ?? false,
          ignoreChanges: req.getIgnorechangesList(),
          replaceOnChanges: req.getReplaceonchangesList(),
          deleteBeforeReplace: req.getDeletebeforereplace(),
          aliases: [...req.getAliasesList().map((a) => a.getUrn() || a.getSpec()?.getName() || ""), ...req.getAliasurnsList()].filter((a) => a !== ""),
          retainOnDelete: req.getRetainondelete() ?? false,
          deletedWith: orUndefined(req.getDeletedwith()),
          additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
          customTimeouts: readTimeouts(timeouts),
        };
        this.captured.set(resource.urn, resource);
      }
      callback(err, response);
    });
  }

  override registerResourceOutputs(req: RegisterResourceOutputsRequest, callback: (err: unknown, response: unknown) => void): void {
    const resource = this.captured.get(req.getUrn());
    const raw = (req.getOutputs()?.toJavaScript() ?? {}) as Properties;
    if (resource) {
      const secrets: string[] = [];
      resource.registeredOutputs = decodeProperties(raw, secrets) as Properties;
      resource.secretRegisteredOutputs = secrets;
    }
    if (resource?.type === rootStackType) this.stackOutputs = readStackOutputs(raw);
    super.registerResourceOutputs(req, callback);
  }

  override async invoke(
    req: { getTok(): string; getArgs(): { toJavaScript(): unknown } | undefined },
    callback: (err: unknown, response: unknown) => void,
  ): Promise<void> {
    this.invokes.push({ token: req.getTok(), inputs: decodeProperties(req.getArgs()?.toJavaScript() ?? {}, []) as Properties });
    // The SDK reads a failed invoke's message from `details`, as gRPC errors carry it.
    await super.invoke(req, (err: unknown, response: unknown) =>
      callback(err instanceof Error ? Object.assign(err, { details: err.message }) : err, response),
    );
  }
}

/** The SDK drains its queue of outstanding RPCs this way before a real program exits. */
const { waitForRPCs } = pulumi.runtime as unknown as { waitForRPCs: () => Promise<void> };

export interface CaptureOptions {
  project: string;
  stack: string;
  /** Config by full key (`project:key`), as strings. */
  config: Record<string, string>;
  secretKeys?: string[];
  /** Defaults to the plan's realistic mocks. */
  mocks?: Mocks;
}

/** A run that may have failed: what was registered before the failure, and the failure itself. */
export interface CaptureAttempt extends Capture {
  error?: unknown;
}

/** How a stack is run. */
export interface StackRunOptions {
  /**
   * Run it as the offline plan does: with the labelled examples of `offlineExamples` standing in for
   * what a real `pulumi up` needs from the user. Off, the stack runs as `pulumi up` would run it.
   * @default false
   */
  offline?: boolean;
  /**
   * Keys of `overrides` that hold labelled examples too, as the offline plan's own do: for values that
   * only documentation uses, such as the mocks' AWS account.
   * @default []
   */
  exampleKeys?: string[];
}

/** What the program is: src/index.ts's default export, with the examples it is told about. */
type StackProgram = (options?: { examples?: readonly string[] }) => Promise<Properties>;

/**
 * Runs `program` under Pulumi's mock runtime, as the root of a stack like the language host does, and
 * records every resource it registers, every invoke and the stack outputs, whether or not it fails.
 */
export async function attemptProgram(program: () => Promise<Properties | void>, options: CaptureOptions): Promise<CaptureAttempt> {
  const monitor = new CapturingMonitor(options.mocks ?? createMocks(options.project, options.stack));
  await pulumi.runtime.setMocks(monitor.mocks, options.project, options.stack, false);
  pulumi.runtime.setMockOptions(monitor, options.project, options.stack, false);
  pulumi.runtime.setAllConfig(options.config, options.secretKeys);

  const failures: unknown[] = [];
  const onRejection = (reason: unknown) => failures.push(reason);
  process.on("unhandledRejection", onRejection);
  try {
    await pulumi.runtime.runInPulumiStack(async () => (await program()) ?? {}).catch((err: unknown) => failures.unshift(err));
    await waitForRPCs();
    // Let the rejections of this run's last applies surface here, not in the next run.
    await new Promise((resolve) => setTimeout(resolve, 0));
  } finally {
    process.off("unhandledRejection", onRejection);
  }
  return {
    project: options.project,
    stack: options.stack,
    resources: [...monitor.captured.values()].filter((r) => r.type !== rootStackType),
    outputs: monitor.stackOutputs,
    invokes: monitor.invokes,
    ...(failures.length > 0 ? { error: failures[0] } : {}),
  };
}

/** Like `attemptProgram`, but rejects with the program's own error when it throws, or when any registration, apply or invoke fails. */
export async function captureProgram(program: () => Promise<Properties | void>, options: CaptureOptions): Promise<Capture> {
  const { error, ...capture } = await attemptProgram(program, options);
  if (error !== undefined) throw error;
  return capture;
}

/**
 * Runs the real program (src/index.ts) for a stack file, with config values overridden if given (an
 * undefined value removes the key), and the offline plan's examples where `offline` asks for them.
 */
export async function attemptStack(
  stack: string,
  overrides: Record<string, string | undefined> = {},
  options: StackRunOptions = {},
): Promise<CaptureAttempt & { examples: OfflineExample[] }> {
  const { source, examples, secretKeys } = stackRunConfig(stack, overrides, options);
  const { default: program } = (await import("../index.js")) as { default: StackProgram };
  const run = () => program({ examples: source.examples });
  const attempt = await attemptProgram(run, { project: source.project, stack, config: source.values, secretKeys });
  return { ...attempt, examples };
}

/**
 * The config a stack runs with: its file, the overrides (an undefined value removes the key) and, with
 * `offline`, the plan's examples, named as such; what the program reads through `loadSettings`.
 */
export function stackRunConfig(stack: string, overrides: Record<string, string | undefined> = {}, options: StackRunOptions = {}) {
  const config = readStackConfig(stack);
  const full = (key: string) => (key.includes(":") ? key : `${config.project}:${key}`);
  const given = Object.fromEntries(Object.entries(overrides).filter((e): e is [string, string] => e[1] !== undefined));
  const removed = Object.keys(overrides).filter((key) => overrides[key] === undefined).map(full);
  const withoutRemoved = { ...config, values: Object.fromEntries(Object.entries(config.values).filter(([key]) => !removed.includes(key))) };
  const examples = options.offline ? offlineExamples(withoutRemoved, given) : [];
  const values = { ...withoutRemoved.values };
  for (const example of examples) values[example.key] = example.value;
  for (const [key, value] of Object.entries(given)) values[full(key)] = value;
  const exampleKeys = [...examples.map((e) => e.key), ...(options.exampleKeys ?? []).map(full)];
  return { source: { project: config.project, stack, values, examples: exampleKeys }, examples, secretKeys: config.secretKeys };
}

/** Runs the real program for a stack file; rejects with the program's error, as `pulumi up` would fail. */
export async function captureStack(
  stack: string,
  overrides: Record<string, string | undefined> = {},
  options: StackRunOptions = {},
): Promise<Capture & { examples: OfflineExample[] }> {
  const { error, examples, ...capture } = await attemptStack(stack, overrides, options);
  if (error !== undefined) throw error;
  return { ...capture, examples };
}
