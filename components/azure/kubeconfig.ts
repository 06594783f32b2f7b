import { parse, stringify } from "yaml";

/** kubelogin's `get-token` sign-in modes that need no person at a browser. */
export type KubeloginMode = "azurecli" | "azd" | "spn" | "msi" | "workloadidentity";

interface ExecConfig {
  command?: string;
  args?: string[];
}

interface Kubeconfig {
  users?: { name?: string; user?: { exec?: ExecConfig } }[];
}

/** Decodes the base64 kubeconfig AKS returns from listClusterUserCredential. */
export function decodeKubeconfig(value: string): string {
  return Buffer.from(value, "base64").toString("utf8");
}

/**
 * Points the kubeconfig's kubelogin users at a non-interactive sign-in. AKS returns `--login
 * devicecode`, which would stop `pulumi up` waiting for someone to open a browser. Kubeconfigs
 * without kubelogin (local accounts) come back unchanged.
 */
export function useKubeloginMode(kubeconfig: string, mode: KubeloginMode): string {
  const document = parse(kubeconfig) as Kubeconfig;
  let changed = false;
  for (const user of document.users ?? []) {
    const exec = user.user?.exec;
    if (!exec || exec.command !== "kubelogin") continue;
    const args = [...(exec.args ?? [])];
    const at = args.indexOf("--login");
    if (at >= 0) args.splice(at, 2);
    exec.args = [...args, "--login", mode];
    changed = true;
  }
  return changed ? stringify(document) : kubeconfig;
}
