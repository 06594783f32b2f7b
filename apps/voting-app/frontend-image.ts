import path from "node:path";
import { fileURLToPath } from "node:url";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import type { ContainerRegistry } from "../../components/cluster-target.js";
import { contentTag } from "./build-context.js";
import type { ImageUser } from "./pod-security.js";

/** The vote front end's sources and Dockerfile: the build context of our own image. */
export const frontendContextDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "frontend");

/** The numeric user our image runs as (`USER 10001:10001` in its Dockerfile). */
export const ownImageUser: ImageUser = { uid: 10001, gid: 10001 };

/** The port our image listens on (its `PORT`), and its health endpoints. */
export const ownImagePort = 8080;

/**
 * Builds our front end image for linux/amd64 and pushes it to the platform's registry. Returns the
 * pushed image by digest (`repo:tag@sha256:...`), so pods run exactly what was built, never a tag
 * that moved.
 */
export function buildFrontendImage(name: string, registry: ContainerRegistry, parent: pulumi.Resource): pulumi.Output<string> {
  const repository = registry.repository("vote-front", parent);
  // Relative to the project root, where Pulumi runs the program, so the inputs match on every machine.
  const context = path.relative(process.cwd(), frontendContextDir) || ".";
  // The tag covers what docker-build hashes, so an image it rebuilds never reuses a pushed tag.
  const tag = contentTag(frontendContextDir, path.join(frontendContextDir, "Dockerfile"));
  const image = new dockerBuild.Image(
    `${name}-image`,
    {
      context: { location: context },
      dockerfile: { location: path.join(context, "Dockerfile") },
      platforms: ["linux/amd64"],
      push: true,
      tags: [pulumi.interpolate`${repository}:${tag}`],
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
