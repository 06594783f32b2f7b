import { describe, expect, it } from "vitest";
import { loadSettings } from "../src/config.js";
import { listStacks, readStackConfig } from "../src/plan/stack-config.js";

const stacks = listStacks();

describe("stack files", () => {
  it("include the five documented stacks", () => {
    expect(stacks).toEqual(expect.arrayContaining(["dev-aks", "dev-eks", "local", "prod-aks", "prod-eks"]));
  });

  it.each(stacks)("%s is valid config", (stack) => {
    const settings = loadSettings(readStackConfig(stack));
    expect(settings.stack).toBe(stack);
    const [environment] = stack.split("-");
    if (environment === "dev" || environment === "prod") expect(settings.environment).toBe(environment);
  });

  it("target the clouds their names promise", () => {
    const cloudOf = (stack: string) => loadSettings(readStackConfig(stack)).platform.cloud;
    expect(["dev-aks", "prod-aks"].map(cloudOf)).toEqual(["azure", "azure"]);
    expect(["dev-eks", "prod-eks"].map(cloudOf)).toEqual(["aws", "aws"]);
    expect(cloudOf("local")).toBe("existing");
  });
});
