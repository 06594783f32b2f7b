import type * as pulumi from "@pulumi/pulumi";
import { VotingApp } from "../apps/voting-app/voting-app.js";
import type { Settings } from "./config.js";
import type { Platform } from "./platform.js";

/** Where the app goes: a fleet's member parents its app, named after it. */
export interface AppPlacement {
  /** The app component's name. @default "vote" */
  name?: string;
  parent?: pulumi.Resource;
}

/** The Voting App on the platform, as the stack config describes it. */
export function createVotingApp(settings: Settings, platform: Platform, placement: AppPlacement = {}): VotingApp {
  const { app } = settings;
  return new VotingApp(
    placement.name ?? "vote",
    {
      target: platform.target,
      namespace: app.namespace,
      title: app.title,
      choices: app.choices,
      frontend: app.frontend,
      frontendReplicas: app.frontendReplicas,
      frontendMaxReplicas: app.frontendMaxReplicas,
      redisImage: app.redisImage,
      redisStorageSize: app.redisStorageSize,
      dnsLabel: app.dnsLabel,
      servedBy: app.servedBy,
    },
    placement.parent ? { parent: placement.parent } : {},
  );
}
