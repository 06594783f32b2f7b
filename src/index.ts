import * as pulumi from "@pulumi/pulumi";
import { currentSource, loadStackSettings, type Settings } from "./config.js";
import { createPlatform } from "./platform.js";
import { createVotingApp } from "./voting-app.js";

/**
 * The program: stack config, then the platform, then the workload, then the stack outputs. A fleet
 * stack (`cloud: fleet`) does the same for each member, then puts one global entry in front of them.
 * Pulumi calls the default export, with no arguments, and publishes what it returns as the stack's
 * outputs. The offline plan passes the keys whose values it stood in as labelled examples.
 */
export default async function program(options: { examples?: readonly string[] } = {}) {
  const stack = loadStackSettings(currentSource(options.examples));
  if (stack.kind === "fleet") {
    const { fleetProgram } = await import("./fleet/program.js");
    return fleetProgram(stack.fleet);
  }
  return clusterProgram(stack.settings);
}

async function clusterProgram(settings: Settings) {
  const platform = await createPlatform(settings);
  if (settings.environment === "prod" && !settings.app.https && settings.platform.cloud !== "existing") {
    await pulumi.log.warn("appCertificate is unset: the prod app is served over plain HTTP; set appCertificate and appHostname to serve it on HTTPS");
  }
  const votingApp = createVotingApp(settings, platform);
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
