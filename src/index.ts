import { VotingApp } from "../apps/voting-app/voting-app.js";
import { loadSettings } from "./config.js";
import { createPlatform } from "./platform.js";

/**
 * The program: stack config, then the platform, then the workload, then the stack outputs.
 * Pulumi calls the default export and publishes what it returns as the stack's outputs.
 */
export default async function program() {
  const settings = loadSettings();
  const platform = await createPlatform(settings);
  const { app } = settings;
  const votingApp = new VotingApp("vote", {
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
  });
  return {
    cloud: settings.platform.cloud,
    environment: settings.environment,
    clusterName: platform.target.name,
    kubeconfig: platform.target.kubeconfig,
    ...platform.outputs,
    appUrl: votingApp.url,
    appNamespace: votingApp.namespace,
  };
}
