import { homedir } from "node:os";
import type { z } from "zod";
import {
  isKubeconfigProblem,
  resolveKubeconfig,
  type KubeconfigEnvironment,
  type ResolvedKubeconfig,
} from "../../components/kubernetes/kubeconfig.js";
import { ConfigError } from "./errors.js";
import { field } from "./fields.js";
import { defineFragment, type ConfigContext } from "./fragment.js";

/** A host name or IPv4 address. */
const hostName = /^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/;

/** The node port the app gets by default; a kind cluster maps it to the host with extraPortMappings. */
export const defaultNodePort = 30080;

/**
 * The keys for an existing cluster reached through a kubeconfig (kind, minikube, Docker Desktop...).
 * The kubeconfig file itself is read when the platform is created (src/platform.ts), still before any
 * resource, so that loading the config never depends on the machine it runs on.
 */
export function existingConfig(_ctx: ConfigContext) {
  return defineFragment(
    {
      existingKubeconfig: field.optionalString("a kubeconfig document (set it with --secret)"),
      existingKubeconfigPath: field.optionalString("a path to a kubeconfig file"),
      existingContext: field.optionalString("a context name from the kubeconfig"),
      existingServiceType: field.oneOf(["LoadBalancer", "NodePort"] as const, { default: "NodePort" }),
      existingNodePort: field.integer({ min: 30000, max: 32767, default: defaultNodePort }),
      existingNodeHost: field.string({ default: "localhost", pattern: hostName, expected: "a host name or IPv4 address" }),
      existingStorageClass: field.optionalString("a StorageClass name in the cluster", /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/),
    },
    (v, report) => {
      if (v.existingKubeconfig !== undefined && v.existingKubeconfigPath !== undefined) {
        report("existingKubeconfigPath", "unset when existingKubeconfig is set: give the kubeconfig one way");
      }
      return {
        kubeconfig: v.existingKubeconfig,
        kubeconfigPath: v.existingKubeconfigPath,
        context: v.existingContext,
        serviceType: v.existingServiceType,
        nodePort: v.existingNodePort,
        nodeHost: v.existingNodeHost,
        storageClassName: v.existingStorageClass,
      };
    },
  );
}

export type ExistingSettings = z.output<ReturnType<typeof existingConfig>["schema"]>;

const settingKeys = { kubeconfig: "existingKubeconfig", kubeconfigPath: "existingKubeconfigPath", context: "existingContext" } as const;

/**
 * Finds and reads the kubeconfig the settings point at. A file that is missing or holds no such context
 * is a config error naming the key and the path, thrown before any resource is registered.
 */
export function readExistingKubeconfig(
  project: string,
  stack: string,
  settings: ExistingSettings,
  environment: KubeconfigEnvironment = { env: process.env, home: homedir() },
): ResolvedKubeconfig {
  const result = resolveKubeconfig({ kubeconfig: settings.kubeconfig, path: settings.kubeconfigPath, context: settings.context }, environment);
  if (!isKubeconfigProblem(result)) return result;
  throw new ConfigError(stack, [{ key: `${project}:${settingKeys[result.setting]}`, value: result.value, expected: result.expected }]);
}
