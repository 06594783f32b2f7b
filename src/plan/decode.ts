import * as pulumi from "@pulumi/pulumi";

const { specialSigKey, specialSecretSig, specialResourceSig, specialAssetSig, specialArchiveSig, unknownValue } =
  pulumi.runtime;
/** Signature of an Output value on the wire (not exported by the SDK's typings). */
const outputValueSig = "d0e6a833031e9bbcd3f4e8bde6ca49a4";

/** Marks a value Pulumi would not know until the cloud answers (only seen in previews). */
export const unknownMarker = "<computed>";

/**
 * Turns property values as they cross the wire (secrets, resource references, assets wrapped in
 * signature objects) into plain values, and collects the paths of the values that are secret.
 */
export function decodeProperties(value: unknown, secretPaths: string[], path = ""): unknown {
  if (value === unknownValue) return unknownMarker;
  if (Array.isArray(value)) return value.map((item, i) => decodeProperties(item, secretPaths, `${path}[${i}]`));
  if (typeof value !== "object" || value === null) return value;
  const object = value as Record<string, unknown>;
  switch (object[specialSigKey]) {
    case specialSecretSig:
      secretPaths.push(path || "(root)");
      return decodeProperties(object.value, [], path);
    case specialResourceSig:
      return object.urn;
    case specialAssetSig:
    case specialArchiveSig:
      return { asset: object.path ?? object.uri ?? "text" };
    case outputValueSig:
      if (object.secret === true) secretPaths.push(path || "(root)");
      return "value" in object ? decodeProperties(object.value, [], path) : unknownMarker;
    default:
      return Object.fromEntries(
        Object.entries(object).map(([key, item]) => [key, decodeProperties(item, secretPaths, path ? `${path}.${key}` : key)]),
      );
  }
}
