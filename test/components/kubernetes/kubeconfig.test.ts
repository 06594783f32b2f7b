import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { kubeconfigPath, parseKubeconfig, resolveKubeconfig } from "../../../components/kubernetes/kubeconfig.js";
import { sampleKubeconfig } from "../../../src/plan/offline-kubeconfig.js";

const twoContexts = `apiVersion: v1
kind: Config
clusters:
  - name: kind-vote
    cluster: { server: "https://127.0.0.1:41234" }
  - name: minikube
    cluster: { server: "https://192.168.49.2:8443" }
contexts:
  - name: kind-vote
    context: { cluster: kind-vote, user: kind-vote }
  - name: minikube
    context: { cluster: minikube, user: minikube }
current-context: kind-vote
users: []
`;

const dir = mkdtempSync(path.join(tmpdir(), "kubeconfig-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const full = path.join(dir, name);
  writeFileSync(full, text);
  return full;
};
const home = path.join(dir, "home");

describe("parseKubeconfig", () => {
  it("reads contexts, the clusters they point at and the current context", () => {
    expect(parseKubeconfig(twoContexts)).toEqual({
      currentContext: "kind-vote",
      contexts: [
        { name: "kind-vote", cluster: "kind-vote" },
        { name: "minikube", cluster: "minikube" },
      ],
      clusters: [
        { name: "kind-vote", server: "https://127.0.0.1:41234" },
        { name: "minikube", server: "https://192.168.49.2:8443" },
      ],
    });
  });

  it.each([["offline-plan-secret"], ["{ not: yaml"], ["apiVersion: v1\nkind: Config\ncontexts: []\n"]])("is undefined for %j, which is no usable kubeconfig", (text) => {
    expect(parseKubeconfig(text)).toBeUndefined();
  });
});

describe("kubeconfigPath", () => {
  const exists = (f: string) => f.endsWith("/second");

  it("takes the configured path, expanding ~/", () => {
    expect(kubeconfigPath("~/clusters/kind.yaml", { KUBECONFIG: "/x" }, "/home/me")).toEqual({ path: "/home/me/clusters/kind.yaml", origin: "config" });
  });

  it("else the first file of $KUBECONFIG that exists, or its first entry", () => {
    expect(kubeconfigPath(undefined, { KUBECONFIG: `/a/first${path.delimiter}/a/second` }, "/home/me", exists)).toEqual({ path: "/a/second", origin: "KUBECONFIG" });
    expect(kubeconfigPath(undefined, { KUBECONFIG: "/a/none" }, "/home/me", exists)).toEqual({ path: "/a/none", origin: "KUBECONFIG" });
  });

  it("else ~/.kube/config", () => {
    expect(kubeconfigPath(undefined, {}, "/home/me")).toEqual({ path: "/home/me/.kube/config", origin: "default" });
    expect(kubeconfigPath(undefined, { KUBECONFIG: "" }, "/home/me")).toEqual({ path: "/home/me/.kube/config", origin: "default" });
  });
});

describe("resolveKubeconfig", () => {
  it("reads a file and ties the provider to the cluster's name and API server", () => {
    const kubeconfig = file("two.yaml", twoContexts);
    expect(resolveKubeconfig({ path: kubeconfig, context: "minikube" }, { env: {}, home })).toEqual({
      kubeconfig: twoContexts,
      context: "minikube",
      clusterName: "minikube",
      clusterIdentifier: "minikube@https://192.168.49.2:8443",
    });
    expect(resolveKubeconfig({}, { env: { KUBECONFIG: kubeconfig }, home })).toMatchObject({ context: undefined, clusterName: "kind-vote" });
  });

  it("names the path, and where it came from, when the file is missing", () => {
    expect(resolveKubeconfig({}, { env: {}, home })).toEqual({
      setting: "kubeconfigPath",
      value: undefined,
      expected: expect.stringContaining(`${home}/.kube/config (the default location) does not`),
    });
    expect(resolveKubeconfig({ path: "/no/such/file" }, { env: {}, home })).toMatchObject({ setting: "kubeconfigPath", value: "/no/such/file" });
  });

  it("rejects a file that is not a kubeconfig", () => {
    const notOne = file("not-one.yaml", "just: text\n");
    expect(resolveKubeconfig({ path: notOne }, { env: {}, home })).toMatchObject({
      setting: "kubeconfigPath",
      expected: expect.stringContaining(`${notOne} is not one`),
    });
  });

  it("names the contexts there are when the one asked for is not among them", () => {
    expect(resolveKubeconfig({ path: file("ctx.yaml", twoContexts), context: "kind-prod" }, { env: {}, home })).toEqual({
      setting: "context",
      value: "kind-prod",
      expected: expect.stringMatching(/one of the contexts in .*ctx\.yaml: kind-vote, minikube$/),
    });
  });

  it("passes an inline kubeconfig it cannot read to the provider as it is, since it may be a secret the plan cannot decrypt", () => {
    expect(resolveKubeconfig({ kubeconfig: "offline-plan-secret" }, { env: {}, home })).toEqual({
      kubeconfig: "offline-plan-secret",
      context: undefined,
      clusterName: "kubeconfig",
    });
    expect(resolveKubeconfig({ kubeconfig: sampleKubeconfig }, { env: {}, home })).toMatchObject({ clusterName: "kind-vote" });
    expect(resolveKubeconfig({ kubeconfig: sampleKubeconfig, context: "nope" }, { env: {}, home })).toMatchObject({ setting: "context" });
  });
});
