import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Every installed package directory, scoped ones included, one level below `dir`. */
function packagesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((entry) =>
    entry.startsWith("@") ? readdirSync(path.join(dir, entry)).map((name) => path.join(dir, entry, name)) : [path.join(dir, entry)],
  );
}

describe("installed dependencies", () => {
  it("hold one copy of @pulumi/pulumi, so the mock runtime and every provider SDK share one state", () => {
    const nested = packagesIn("node_modules")
      .map((pkg) => path.join(pkg, "node_modules", "@pulumi", "pulumi"))
      .filter((copy) => existsSync(copy));
    expect(nested).toEqual([]);
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { overrides: Record<string, string> };
    expect(pkg.overrides["@pulumi/pulumi"]).toBe("$@pulumi/pulumi");
  });
});
