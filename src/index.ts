import * as pulumi from "@pulumi/pulumi";
import { VotingApp } from "../apps/voting-app/voting-app.js";
import { currentSource, loadSettings } from "./config.js";
import { createPlatform } from "./platform.js";

/**
 * The program: stack config, then the platform, then the workload, then the stack outputs.
 * Pulumi calls the default export, with no arguments, and publishes what it returns as the stack's
 * outputs. The offline plan passes the keys whose values it stood in as labelled examples.
 */
export default async function program(options: { examples?: readonly string[] } = {}) {
  const settings = loadSettings(currentSource(options.examples));
  const platform = await createPlatform(settings);
  const { app } = settings;
  if (settings.environment === "prod" && !app.https && settings.platform.cloud !== "existing") {
    await pulumi.log.warn("appCertificate is unset: the prod app is served over plain HTTP; set appCertificate and appHostname to serve it on HTTPS");
  }
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
