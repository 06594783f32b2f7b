import { createHash } from "node:crypto";
import type { Inputs, MockModule } from "./types.js";

/**
 * Images built with @pulumi/docker-build come back as a push would leave them: `digest` is the
 * manifest's sha256 (derived from the tags, so repeatable), and `ref` the first tag pinned by it.
 */
function image(name: string, inputs: Inputs) {
  const tags = Array.isArray(inputs.tags) ? inputs.tags.filter((t): t is string => typeof t === "string") : [];
  const digest = `sha256:${createHash("sha256").update(`image/${name}/${tags.join(",")}`).digest("hex")}`;
  const pushed = inputs.push === true && tags.length > 0;
  return {
    id: digest,
    state: {
      ...inputs,
      contextHash: createHash("sha256").update(`context/${name}`).digest("hex"),
      digest: pushed ? digest : "",
      ref: pushed ? `${tags[0]}@${digest}` : (tags[0] ?? ""),
    },
  };
}

export const dockerBuildMocks: MockModule = {
  newResource({ type, name, inputs }) {
    return type === "docker-build:index:Image" ? image(name, inputs) : undefined;
  },
};
