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

/** The value after `flag` in exec args, if any. */
function argValue(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

/**
 * The `kubelogin get-token` args for `mode`, built from the args AKS returned the way kubelogin's own
 * `convert-kubeconfig` builds them: the API server's application id (`--server-id`) is kept, and AKS's
 * `--client-id` (its public client for device code sign-in) is dropped, because it is the wrong client
 * for every other mode. The identity comes from the environment instead: `AZURE_CLIENT_ID` (msi with a
 * user-assigned identity, workloadidentity), or `AAD_SERVICE_PRINCIPAL_CLIENT_ID` and
 * `AAD_SERVICE_PRINCIPAL_CLIENT_SECRET` (spn; `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET` work too).
 * Only spn keeps AKS's `--tenant-id` and `--environment`; azurecli and azd use the signed-in tenant, msi
 * and workloadidentity their identity's.
 */
export function kubeloginArgs(aksArgs: string[], mode: KubeloginMode): string[] {
  const serverId = argValue(aksArgs, "--server-id");
  if (!serverId) throw new Error("the AKS kubeconfig runs kubelogin without --server-id, which every sign-in mode needs");
  const args = ["get-token", "--login", mode, "--server-id", serverId];
  if (mode !== "spn") return args;
  const tenantId = argValue(aksArgs, "--tenant-id");
  if (!tenantId) throw new Error("the AKS kubeconfig runs kubelogin without --tenant-id, which the spn sign-in needs");
  const environment = argValue(aksArgs, "--environment");
  return [...args, "--tenant-id", tenantId, ...(environment ? ["--environment", environment] : [])];
}

/**
 * Points the kubeconfig's kubelogin users at a non-interactive sign-in. AKS returns `--login
 * devicecode`, which would stop `pulumi up` waiting for someone to open a browser. Kubeconfigs
 * without kubelogin (local accounts) come back unchanged. The result depends only on the input, so the
 * provider built from it does not change between runs.
 */
export function useKubeloginMode(kubeconfig: string, mode: KubeloginMode): string {
  const document = parse(kubeconfig) as Kubeconfig;
  let changed = false;
  for (const user of document.users ?? []) {
    const exec = user.user?.exec;
    if (!exec || exec.command !== "kubelogin") continue;
    exec.args = kubeloginArgs(exec.args ?? [], mode);
    changed = true;
  }
  return changed ? stringify(document) : kubeconfig;
}
