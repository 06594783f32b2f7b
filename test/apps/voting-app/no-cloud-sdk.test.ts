import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../../../src/plan/stack-config.js";

/** Every TypeScript file under apps/, outside dependencies and build output. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return ["node_modules", "dist"].includes(entry.name) ? [] : sources(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

const cloudSdk = /(?:from\s+|import\s*\(\s*|require\s*\(\s*)["'](@pulumi\/(?:azure-native|azure|aws|awsx|eks|azuread)(?:\/[^"']*)?)["']/g;

describe("the app", () => {
  const files = sources(path.join(projectRoot, "apps"));

  it("has sources to check", () => {
    expect(files.map((f) => path.relative(projectRoot, f))).toContain("apps/voting-app/voting-app.ts");
  });

  it("imports no cloud SDK: everything cloud-specific comes through the ClusterTarget", () => {
    const imports = files.flatMap((file) => [...readFileSync(file, "utf8").matchAll(cloudSdk)].map((m) => `${path.relative(projectRoot, file)}: ${m[1]}`));
    expect(imports).toEqual([]);
  });

  it("would notice one", () => {
    expect([...'import * as aws from "@pulumi/aws";\nawait import("@pulumi/azure-native/keyvault/index.js");'.matchAll(cloudSdk)].map((m) => m[1])).toEqual([
      "@pulumi/aws",
      "@pulumi/azure-native/keyvault/index.js",
    ]);
  });
});
