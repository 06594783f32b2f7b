/** The two halves of the Voting App, as the `app.kubernetes.io/component` label names them. */
export type AppComponent = "frontend" | "redis";

/** The labels that pick one component's pods: stable for the life of the app, since selectors are immutable. */
export function selectorLabels(instance: string, component: AppComponent): Record<string, string> {
  return {
    "app.kubernetes.io/name": "azure-vote",
    "app.kubernetes.io/instance": instance,
    "app.kubernetes.io/component": component,
  };
}

/** Labels for every object of the app: the selector labels of its component, and who manages it. */
export function objectLabels(instance: string, component?: AppComponent): Record<string, string> {
  const base = component ? selectorLabels(instance, component) : { "app.kubernetes.io/name": "azure-vote", "app.kubernetes.io/instance": instance };
  return { ...base, "app.kubernetes.io/part-of": "voting-platform", "app.kubernetes.io/managed-by": "pulumi" };
}
