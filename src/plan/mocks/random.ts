import { createHash } from "node:crypto";
import type { MockModule } from "./types.js";

const alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A repeatable stand-in for a generated value: letters and digits, as long as asked. */
function generated(seed: string, length: number): string {
  let text = "";
  for (let round = 0; text.length < length; round++) {
    const bytes = createHash("sha256").update(`${seed}/${round}`).digest();
    for (const byte of bytes) text += alphanumeric[byte % alphanumeric.length];
  }
  return text.slice(0, length);
}

/** @pulumi/random resources with their `result` filled in, as the provider generates it on create. */
export const randomMocks: MockModule = {
  newResource({ type, name, inputs }, ctx) {
    if (type !== "random:index/randomPassword:RandomPassword" && type !== "random:index/randomString:RandomString") return undefined;
    const length = typeof inputs.length === "number" ? inputs.length : 16;
    const result = generated(`${ctx.stack}/${type}/${name}`, length);
    return { id: type.endsWith("RandomPassword") ? "none" : result, state: { ...inputs, result } };
  },
};
