import type { z } from "zod";
import { field } from "./fields.js";
import { defineFragment, type ConfigContext } from "./fragment.js";

/** The keys for an existing cluster reached through a kubeconfig (kind, minikube, Docker Desktop...). */
export function existingConfig(_ctx: ConfigContext) {
  return defineFragment(
    {
      existingKubeconfig: field.optionalString("a kubeconfig document (set it with --secret)"),
      existingKubeconfigPath: field.optionalString("a path to a kubeconfig file"),
      existingContext: field.optionalString("a context name from the kubeconfig"),
      existingServiceType: field.oneOf(["LoadBalancer", "NodePort"] as const, { default: "NodePort" }),
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
        storageClassName: v.existingStorageClass,
      };
    },
  );
}

export type ExistingSettings = z.output<ReturnType<typeof existingConfig>["schema"]>;
