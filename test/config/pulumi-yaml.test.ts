import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { allProjectKeys, loadSettings } from "../../src/config.js";
import { readProjectFile } from "../../src/plan/stack-config.js";

const project = readProjectFile();
const declared = project.config as Record<string, { type?: string; description?: string; default?: unknown; items?: { type?: string } }>;
const projectKeys = Object.keys(declared).filter((key) => !key.includes(":"));
/** Keys read by every stack, whatever its cloud: the only ones that may declare a default. */
const everyStackKeys = ["cloud", "environment", "name", "protect", "tags"];
const isEveryStackKey = (key: string) => everyStackKeys.includes(key) || key.startsWith("app");

describe("Pulumi.yaml", () => {
  it("documents exactly the keys the program reads", () => {
    expect(projectKeys.sort()).toEqual(allProjectKeys());
  });

  // A list of objects has no type Pulumi.yaml can declare; Pulumi checks only keys that declare one
  // (ProjectConfigType.IsExplicitlyTyped, pulumi/pulumi sdk/go/common/workspace/project.go), so it is left untyped.
  const untyped = ["fleetMembers"];

  it.each(projectKeys)("declares a type Pulumi knows and a description for %s", (key) => {
    const declaration = declared[key];
    if (untyped.includes(key)) expect(declaration?.type).toBeUndefined();
    else expect(["string", "integer", "boolean", "array"]).toContain(declaration?.type);
    if (declaration?.type === "array") expect(["string", "integer", "boolean"]).toContain(declaration.items?.type);
    expect(declaration?.description?.length ?? 0).toBeGreaterThan(20);
  });

  it("declares defaults only for keys every stack reads, since Pulumi hands them to every stack", () => {
    const withDefault = projectKeys.filter((key) => declared[key]?.default !== undefined);
    expect(withDefault.filter((key) => !isEveryStackKey(key))).toEqual([]);
  });

  it("declares the same defaults the program applies", () => {
    const base = { "voting-platform:cloud": "existing", "voting-platform:environment": "dev" };
    const implicit = loadSettings({ project: project.name, stack: "defaults", values: base });
    for (const [key, declaration] of Object.entries(declared)) {
      if (declaration.default === undefined) continue;
      const value = typeof declaration.default === "string" ? declaration.default : JSON.stringify(declaration.default);
      const explicit = loadSettings({ project: project.name, stack: "defaults", values: { ...base, [`voting-platform:${key}`]: value } });
      expect(explicit, key).toEqual(implicit);
    }
  });

  describe("as a pulumi new template", () => {
    const template = (project as unknown as { template: { config: Record<string, { description?: string; default?: string }> } & Record<string, unknown> }).template;

    it("uses only the fields Pulumi's project schema allows a template (sdk/go/common/workspace/project.json)", () => {
      expect(Object.keys(template).filter((field) => !["description", "quickstart", "important", "config"].includes(field))).toEqual([]);
      for (const [key, prompt] of Object.entries(template.config)) {
        expect(Object.keys(prompt).filter((field) => !["description", "default", "secret"].includes(field)), key).toEqual([]);
        expect(prompt.description?.length ?? 0, key).toBeGreaterThan(10);
      }
    });

    it("asks for keys the program reads, whose defaults make a valid stack on either cloud", () => {
      const keys = Object.keys(template.config);
      expect(keys.filter((key) => !key.includes(":") && !(key in declared))).toEqual([]);
      expect(keys).toEqual(expect.arrayContaining(["cloud", "environment", "azure-native:location", "aws:region"]));
      const defaults = Object.fromEntries(keys.map((key) => [key.includes(":") ? key : `voting-platform:${key}`, String(template.config[key]?.default)]));
      for (const cloud of ["azure", "aws"]) {
        const settings = loadSettings({ project: project.name, stack: "new", values: { ...defaults, "voting-platform:cloud": cloud } });
        expect(settings.platform.cloud).toBe(cloud);
        expect(settings.environment).toBe("dev");
      }
    });
  });

  it("loads the TypeScript program the way `pulumi up` runs it", () => {
    const runtime = (project as unknown as { runtime: { name: string; options: Record<string, unknown> } }).runtime;
    expect(runtime.name).toBe("nodejs");
    expect(runtime.options).toEqual({ typescript: false, nodeargs: "--import tsx" });
    expect((project as unknown as { main: string }).main).toBe("src/index.ts");
    const pkg = JSON.parse(readFileSync("package.json", "utf8")) as { type: string; dependencies: Record<string, string> };
    expect(pkg.type).toBe("module");
    // The language host needs tsx at run time, also where dev dependencies are left out.
    expect(pkg.dependencies).toHaveProperty("tsx");
  });
});
