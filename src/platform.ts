import type * as pulumi from "@pulumi/pulumi";
import type { ClusterTarget } from "../components/cluster-target.js";
import type { Settings } from "./config.js";

/** A platform as the program sees it: the target for workloads, and stack outputs of its own. */
export interface Platform {
  target: ClusterTarget;
  outputs: Record<string, pulumi.Output<unknown>>;
}

/**
 * Builds the platform component for the configured cloud. Each is imported only when chosen, so a
 * stack never loads the SDKs of the clouds it does not use.
 */
export async function createPlatform(settings: Settings): Promise<Platform> {
  const { platform } = settings;
  switch (platform.cloud) {
    case "azure":
    case "aws":
    case "existing":
      throw new Error(`cloud ${platform.cloud} has no platform component yet`);
  }
}
