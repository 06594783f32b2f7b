import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { decodeKubeconfig, kubeloginArgs, useKubeloginMode, type KubeloginMode } from "../../../components/azure/kubeconfig.js";

/** The exec args AKS returns with `format=exec`: device code sign-in with AKS's own public client. */
const aksArgs = [
  "get-token",
  "--environment",
  "AzurePublicCloud",
  "--server-id",
  "6dae42f8-4368-4678-94ff-3960e28e3630",
  "--client-id",
  "80faf920-1908-4b52-b5ef-a8e7bedfc67a",
  "--tenant-id",
  "72f988bf-86f1-41af-91ab-2d7cd011db47",
  "--login",
  "devicecode",
];

const kubeconfig = [
  "apiVersion: v1",
  "kind: Config",
  "users:",
  "- name: clusterUser_rg_aks",
  "  user:",
  "    exec:",
  "      apiVersion: client.authentication.k8s.io/v1beta1",
  "      command: kubelogin",
  `      args: [${aksArgs.join(", ")}]`,
  "      installHint: kubelogin is not installed",
  "      provideClusterInfo: false",
].join("\n");

const serverId = ["--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"];

describe("kubeloginArgs", () => {
  it.each<[KubeloginMode]>([["azurecli"], ["azd"], ["msi"], ["workloadidentity"]])(
    "signs in with %s by the server id alone, leaving the identity to the environment",
    (mode) => {
      expect(kubeloginArgs(aksArgs, mode)).toEqual(["get-token", "--login", mode, ...serverId]);
    },
  );

  it("keeps the tenant and cloud for a service principal, but never AKS's client id", () => {
    const args = kubeloginArgs(aksArgs, "spn");
    expect(args).toEqual(["get-token", "--login", "spn", ...serverId, "--tenant-id", "72f988bf-86f1-41af-91ab-2d7cd011db47", "--environment", "AzurePublicCloud"]);
    expect(args).not.toContain("--client-id");
    expect(args).not.toContain("80faf920-1908-4b52-b5ef-a8e7bedfc67a");
  });

  it("leaves out the cloud when AKS names none", () => {
    const withoutEnvironment = aksArgs.filter((_, i) => i !== 1 && i !== 2);
    expect(kubeloginArgs(withoutEnvironment, "spn")).toEqual(["get-token", "--login", "spn", ...serverId, "--tenant-id", "72f988bf-86f1-41af-91ab-2d7cd011db47"]);
  });

  it("fails clearly without a server id, or without a tenant for spn", () => {
    expect(() => kubeloginArgs(["get-token", "--login", "devicecode"], "azurecli")).toThrow(/without --server-id/);
    expect(() => kubeloginArgs(["get-token", ...serverId], "spn")).toThrow(/without --tenant-id/);
  });
});

describe("useKubeloginMode", () => {
  const execOf = (text: string) => (parse(text) as { users: { user: { exec: Record<string, unknown> } }[] }).users[0]?.user.exec;

  it("replaces the interactive device code sign-in and keeps the rest of the exec block", () => {
    const exec = execOf(useKubeloginMode(kubeconfig, "msi"));
    expect(exec).toEqual({
      apiVersion: "client.authentication.k8s.io/v1beta1",
      command: "kubelogin",
      args: ["get-token", "--login", "msi", ...serverId],
      installHint: "kubelogin is not installed",
      provideClusterInfo: false,
    });
  });

  it("gives the same kubeconfig on every run, so the provider is not replaced", () => {
    expect(useKubeloginMode(kubeconfig, "spn")).toBe(useKubeloginMode(kubeconfig, "spn"));
  });

  it("leaves kubeconfigs without kubelogin alone", () => {
    const local = "apiVersion: v1\nusers:\n- name: u\n  user:\n    token: abc\n";
    expect(useKubeloginMode(local, "azurecli")).toBe(local);
    expect(decodeKubeconfig(Buffer.from(local).toString("base64"))).toBe(local);
  });
});
