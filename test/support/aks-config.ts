import { ConfigError, loadSettings, type AksSettings } from "../../src/config.js";

/** Loading AKS settings from plain config values, as the AKS config tests need. */
export const project = "voting-platform";
const azure = { cloud: "azure", "azure-native:location": "westeurope" };

function full(values: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k.includes(":") ? k : `${project}:${k}`, v]));
}

/** Prod needs the addresses allowed to reach its API server; these stand for real ones. */
const prodAccess = { aksAuthorizedIpRanges: JSON.stringify(["20.50.1.7/32"]) };

export function aks(environment: "dev" | "prod", values: Record<string, string> = {}): AksSettings {
  const settings = loadSettings({ project, stack: "test", values: full({ ...azure, environment, ...(environment === "prod" ? prodAccess : {}), ...values }) });
  if (settings.platform.cloud !== "azure") throw new Error("not an AKS stack");
  return settings.platform.aks;
}

/** The problems the config is refused with; fails the test when it is accepted. */
export function problems(values: Record<string, string>, environment: "dev" | "prod" = "dev"): ConfigError["problems"] {
  try {
    aks(environment, values);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error("expected the config to be rejected");
}

export const list = (...items: string[]) => JSON.stringify(items);
