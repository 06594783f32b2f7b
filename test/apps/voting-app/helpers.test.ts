import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultDnsLabel, exposureNamespaceLabels, loadBalancerUrl } from "../../../apps/voting-app/exposure.js";
import { contentTag, isIgnored, parseDockerignore } from "../../../apps/voting-app/build-context.js";
import { frontendContextDir, ownImagePort, ownImageUser } from "../../../apps/voting-app/frontend-image.js";
import { frontendProfile } from "../../../apps/voting-app/frontend.js";
import { objectLabels, selectorLabels } from "../../../apps/voting-app/labels.js";
import { podSecurityLabels } from "../../../apps/voting-app/pod-security.js";
import { secretStoreObjects } from "../../../apps/voting-app/secrets.js";
import { dnsLabelPattern } from "../../../src/config/app.js";

describe("defaultDnsLabel", () => {
  it("is the stack and namespace with a short hash, and the same on every run", () => {
    const label = defaultDnsLabel("voting-platform", "dev-aks", "vote", "dev-aks-aks");
    expect(label).toMatch(/^dev-aks-vote-[0-9a-f]{6}$/);
    expect(defaultDnsLabel("voting-platform", "dev-aks", "vote", "dev-aks-aks")).toBe(label);
  });

  it("differs between clusters and projects, since labels are unique across a whole region", () => {
    const labels = new Set([
      defaultDnsLabel("voting-platform", "dev-aks", "vote", "a"),
      defaultDnsLabel("voting-platform", "dev-aks", "vote", "b"),
      defaultDnsLabel("my-fork", "dev-aks", "vote", "a"),
    ]);
    expect(labels.size).toBe(3);
  });

  it.each([
    ["Prod_AKS", "vote"],
    ["1st", "vote"],
    ["a".repeat(80), "vote"],
    ["dev--aks-", "-vote"],
  ])("makes a valid Azure DNS label from stack %s", (stack, namespace) => {
    const label = defaultDnsLabel("p", stack, namespace, "c");
    expect(label).toMatch(dnsLabelPattern);
    expect(label.length).toBeLessThanOrEqual(63);
    expect(label).not.toMatch(/--/);
  });
});

describe("loadBalancerUrl", () => {
  it("prefers the host name a cloud gives (AWS), else the IP (Azure)", () => {
    expect(loadBalancerUrl({ ingress: [{ hostname: "k8s-vote.elb.amazonaws.com", ip: "1.2.3.4" }] })).toBe("http://k8s-vote.elb.amazonaws.com");
    expect(loadBalancerUrl({ ingress: [{ ip: "20.50.100.10" }] })).toBe("http://20.50.100.10");
    expect(loadBalancerUrl({ ingress: [{ ip: "127.0.0.1" }] }, 8080)).toBe("http://127.0.0.1:8080");
    // A dual-stack or IPv6 load balancer: in brackets, so that the URL parses.
    expect(new URL(loadBalancerUrl({ ingress: [{ ip: "2001:db8::10" }] })).hostname).toBe("[2001:db8::10]");
  });

  it("is empty until the load balancer has an address", () => {
    expect(loadBalancerUrl(undefined)).toBe("");
    expect(loadBalancerUrl({ ingress: [] })).toBe("");
  });
});

describe("exposureNamespaceLabels", () => {
  it("asks the AWS Load Balancer Controller for pod readiness gates behind an ALB, and nothing elsewhere", () => {
    expect(exposureNamespaceLabels({ kind: "albIngress", ingressClassName: "alb", dependsOn: [] })).toEqual({
      "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
    });
    expect(exposureNamespaceLabels({ kind: "loadBalancerService" })).toEqual({});
    expect(exposureNamespaceLabels({ kind: "service", serviceType: "NodePort", nodeHost: "localhost" })).toEqual({});
  });
});

describe("labels", () => {
  it("select a component by name, instance and component only, so they never change", () => {
    expect(selectorLabels("vote", "redis")).toEqual({
      "app.kubernetes.io/name": "azure-vote",
      "app.kubernetes.io/instance": "vote",
      "app.kubernetes.io/component": "redis",
    });
    expect(objectLabels("vote", "redis")).toMatchObject({ ...selectorLabels("vote", "redis"), "app.kubernetes.io/managed-by": "pulumi" });
  });
});

describe("Pod Security", () => {
  it("enforces and warns at the level the image allows, and audits at restricted", () => {
    expect(podSecurityLabels("baseline")).toEqual({
      "pod-security.kubernetes.io/enforce": "baseline",
      "pod-security.kubernetes.io/enforce-version": "v1.33",
      "pod-security.kubernetes.io/warn": "baseline",
      "pod-security.kubernetes.io/warn-version": "v1.33",
      "pod-security.kubernetes.io/audit": "restricted",
      "pod-security.kubernetes.io/audit-version": "v1.33",
    });
  });

  it("is restricted for our image and baseline for the sample's, which runs as root on port 80", () => {
    expect(frontendProfile("own")).toEqual({ port: 8080, podSecurity: "restricted", healthCheckPath: "/healthz" });
    expect(frontendProfile("sample")).toEqual({ port: 80, podSecurity: "baseline", healthCheckPath: "/" });
  });
});

describe("our front end image", () => {
  const dockerfile = readFileSync(path.join(frontendContextDir, "Dockerfile"), "utf8");

  it("runs as the numeric user its Dockerfile sets", () => {
    const users = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].map((m) => m[1]);
    expect(users.at(-1)).toBe(`${ownImageUser.uid}:${ownImageUser.gid}`);
  });

  it("listens on the port its Dockerfile sets", () => {
    expect(dockerfile).toMatch(new RegExp(`PORT=${ownImagePort}\\b`));
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${ownImagePort}$`, "m"));
  });
});

describe("contentTag", () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
  /** A copy of the front end's build context (sources, .dockerignore, Dockerfile) to change at will. */
  const context = () => {
    const dir = mkdtempSync(path.join(tmpdir(), "vote-front-"));
    dirs.push(dir);
    cpSync(path.join(frontendContextDir, "src"), path.join(dir, "src"), { recursive: true });
    cpSync(path.join(frontendContextDir, ".dockerignore"), path.join(dir, ".dockerignore"));
    writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\n");
    return dir;
  };

  it("is stable for the same sources", () => {
    const dir = context();
    expect(contentTag(dir)).toMatch(/^src-[0-9a-f]{12}$/);
    expect(contentTag(dir)).toBe(contentTag(dir));
    expect(contentTag(context())).toBe(contentTag(dir));
  });

  it("changes when a source changes, and ignores what .dockerignore leaves out of the build", () => {
    const dir = context();
    const before = contentTag(dir);
    cpSync(path.join(dir, "src"), path.join(dir, "node_modules"), { recursive: true });
    writeFileSync(path.join(dir, "build.tsbuildinfo"), "{}");
    expect(contentTag(dir)).toBe(before);
    writeFileSync(path.join(dir, "src", "extra.ts"), "export {};\n");
    expect(contentTag(dir)).not.toBe(before);
  });

  it("changes when only the Dockerfile changes, though .dockerignore leaves it out of the context", () => {
    const dir = context();
    const before = contentTag(dir);
    writeFileSync(path.join(dir, "Dockerfile"), "FROM scratch\nUSER 10001:10001\n");
    expect(contentTag(dir)).not.toBe(before);
  });

  it("changes when .dockerignore changes", () => {
    const dir = context();
    const before = contentTag(dir);
    writeFileSync(path.join(dir, ".dockerignore"), `${readFileSync(path.join(dir, ".dockerignore"), "utf8")}# a comment\n`);
    expect(contentTag(dir)).not.toBe(before);
  });

  it("changes when a file's mode changes, as docker-build's own hash does", () => {
    const dir = context();
    const before = contentTag(dir);
    chmodSync(path.join(dir, "src", "main.ts"), 0o755);
    expect(contentTag(dir)).not.toBe(before);
  });

  it("reads patterns from the context's root, as Docker does: src/node_modules is part of the build", () => {
    const dir = context();
    const before = contentTag(dir);
    mkdirSync(path.join(dir, "src", "node_modules"));
    writeFileSync(path.join(dir, "src", "node_modules", "shim.ts"), "export {};\n");
    expect(contentTag(dir)).not.toBe(before);
  });

  it("prefers <Dockerfile>.dockerignore to the context's .dockerignore, as BuildKit does", () => {
    const dir = context();
    writeFileSync(path.join(dir, "Dockerfile.dockerignore"), "src/extra.ts\n");
    const before = contentTag(dir);
    writeFileSync(path.join(dir, "src", "extra.ts"), "export {};\n");
    expect(contentTag(dir)).toBe(before);
  });
});

describe("dockerignore patterns", () => {
  const rules = parseDockerignore("# build output\n/dist/\n**/*.map\nnode_modules\n*.md\n!README.md\nsrc/gen-?.ts\n");

  it.each([
    ["dist/main.js", true],
    ["src/dist/main.js", false],
    ["src/main.js.map", true],
    ["main.js.map", true],
    ["node_modules/redis/index.js", true],
    ["src/node_modules/x.js", false],
    ["CHANGELOG.md", true],
    ["README.md", false],
    ["docs/guide.md", false],
    ["src/gen-a.ts", true],
    ["src/gen-ab.ts", false],
    ["src/main.ts", false],
  ])("%s is ignored: %s", (file, ignored) => {
    expect(isIgnored(rules, file)).toBe(ignored);
  });
});

describe("secretStoreObjects", () => {
  it("writes the Azure provider's objects parameter: a YAML array of YAML documents", () => {
    expect(secretStoreObjects(["redis-password", "other"])).toBe(
      "array:\n  - |\n    objectName: redis-password\n    objectType: secret\n  - |\n    objectName: other\n    objectType: secret\n",
    );
  });
});
