import type { CapturedResource, Properties, StackOutput } from "./capture.js";

export const secretMask = "[secret]";

/** Splits `spec.items[0].value` into `["spec", "items", 0, "value"]`. */
function splitPath(path: string): (string | number)[] {
  return path
    .split(/\.|(?=\[)/)
    .filter((part) => part !== "")
    .map((part) => (/^\[\d+\]$/.test(part) ? Number(part.slice(1, -1)) : part));
}

function maskAt(value: unknown, path: (string | number)[]): unknown {
  if (path.length === 0) return secretMask;
  const [head, ...rest] = path;
  if (Array.isArray(value) && typeof head === "number") {
    return value.map((item, i) => (i === head ? maskAt(item, rest) : item));
  }
  if (typeof value === "object" && value !== null && typeof head === "string" && head in value) {
    return { ...(value as Properties), [head]: maskAt((value as Properties)[head], rest) };
  }
  return value;
}

/** The resource with every secret input replaced by a mask, fit to be written to disk or printed. */
export function maskResource(resource: CapturedResource): CapturedResource {
  let inputs: unknown = resource.inputs;
  for (const path of resource.secretInputs) inputs = path === "(root)" ? secretMask : maskAt(inputs, splitPath(path));
  let outputs: unknown = resource.outputs;
  for (const path of [...resource.secretInputs, ...resource.additionalSecretOutputs]) {
    outputs = path === "(root)" ? secretMask : maskAt(outputs, splitPath(path));
  }
  let registered: unknown = resource.registeredOutputs;
  for (const path of resource.secretRegisteredOutputs ?? []) registered = path === "(root)" ? secretMask : maskAt(registered, splitPath(path));
  return {
    ...resource,
    inputs: inputs as Properties,
    outputs: outputs as Properties,
    ...(registered === undefined ? {} : { registeredOutputs: registered as Properties }),
  };
}

/** Stack outputs as `pulumi stack output` shows them: secrets masked. */
export function maskOutputs(outputs: Record<string, StackOutput>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([key, o]) => [key, o.secret ? secretMask : o.value]));
}
