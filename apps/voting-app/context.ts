import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { objectLabels, type AppComponent } from "./labels.js";

/** What every part of the Voting App shares: where its objects go and what they wait for. */
export interface AppContext {
  /** The app's name, used as the `app.kubernetes.io/instance` label. */
  instance: string;
  /** The namespace, as an output of the Namespace object, so that every object waits for it. */
  namespace: pulumi.Output<string>;
  /** Every Kubernetes object goes through this provider: the target cluster's. */
  provider: k8s.Provider;
  /**
   * What the cluster needs before workloads can run (node pools, add-ons, controllers). Workloads
   * depend on it, so they are created after it and deleted before it.
   */
  readiness: pulumi.Resource[];
}

/** Metadata for a namespaced object of the app. */
export function objectMeta(ctx: AppContext, name: string, component?: AppComponent, annotations?: pulumi.Input<Record<string, pulumi.Input<string>>>) {
  return { name, namespace: ctx.namespace, labels: objectLabels(ctx.instance, component), ...(annotations ? { annotations } : {}) };
}
