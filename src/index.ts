import { loadSettings } from "./config.js";
import { createPlatform } from "./platform.js";

/**
 * The program: stack config, then the platform, then the workload, then the stack outputs.
 * Pulumi calls the default export and publishes what it returns as the stack's outputs.
 */
export default async function program() {
  const settings = loadSettings();
  const platform = await createPlatform(settings);
  return {
    cloud: settings.platform.cloud,
    environment: settings.environment,
    clusterName: platform.target.name,
    kubeconfig: platform.target.kubeconfig,
    ...platform.outputs,
  };
}
