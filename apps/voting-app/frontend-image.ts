import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerRegistry } from "../../components/cluster-target.js";
import type { ImageUser } from "./pod-security.js";

/** The vote front end's sources and Dockerfile: the build context of our own image. */
export const frontendContextDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "frontend");

/** The numeric user our image runs as (`USER 10001:10001` in its Dockerfile). */
export const ownImageUser: ImageUser = { uid: 10001, gid: 10001 };

/** The port our image listens on (its `PORT`), and its health endpoints. */
export const ownImagePort = 8080;

/**
 * Patterns of a `.dockerignore` that this hash understands: plain names (matched at any depth, like
 * `node_modules`) and `*.suffix`. They are what keeps build output and dependencies out of the tag.
 */
function ignoreMatcher(dir: string): (name: string) => boolean {
  const file = path.join(dir, ".dockerignore");
  const patterns = existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line !== "" && !line.startsWith("#"))
    : [];
  return (name) => patterns.some((p) => (p.startsWith("*.") ? name.endsWith(p.slice(1)) : p === name));
}

/**
 * A tag derived from the build context's content: the same sources give the same tag on every
 * machine, and any change to them gives a new one, so a new image is built and rolled out exactly
 * when the front end changed.
 */
export function contentTag(dir: string): string {
  const ignored = ignoreMatcher(dir);
  const hash = createHash("sha256");
  const walk = (relative: string) => {
    const entries = readdirSync(path.join(dir, relative), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (ignored(entry.name)) continue;
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(child);
      else if (entry.isFile()) hash.update(`${child}\0`).update(readFileSync(path.join(dir, child))).update("\0");
    }
  };
  walk("");
  return `src-${hash.digest("hex").slice(0, 12)}`;
}

/**
 * Builds our front end image for linux/amd64 and pushes it to the platform's registry. Returns the
 * pushed image by digest (`repo:tag@sha256:...`), so pods run exactly what was built, never a tag
 * that moved.
 */
export function buildFrontendImage(name: string, registry: ContainerRegistry, parent: pulumi.Resource): pulumi.Output<string> {
  const repository = registry.repository("vote-front", parent);
  // Relative to the project root, where Pulumi runs the program, so the inputs match on every machine.
  const context = path.relative(process.cwd(), frontendContextDir) || ".";
  const image = new dockerBuild.Image(
    `${name}-image`,
    {
      context: { location: context },
      dockerfile: { location: path.join(context, "Dockerfile") },
      platforms: ["linux/amd64"],
      push: true,
      tags: [pulumi.interpolate`${repository}:${contentTag(frontendContextDir)}`],
      registries: [
        {
          address: registry.server,
          username: registry.credentials.apply((c) => c.username),
          password: pulumi.secret(registry.credentials.apply((c) => c.password)),
        },
      ],
    },
    { parent },
  );
  return image.ref;
}
