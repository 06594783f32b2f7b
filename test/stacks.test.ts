import { describe, expect, it } from "vitest";
import { loadSettings, loadStackSettings } from "../src/config.js";
import { offlineExamples, withOfflineExamples } from "../src/plan/offline-examples.js";
import { listStacks, readStackConfig } from "../src/plan/stack-config.js";

const stacks = listStacks();

describe("stack files", () => {
  it("include the five documented stacks", () => {
    expect(stacks).toEqual(expect.arrayContaining(["dev-aks", "dev-eks", "local", "prod-aks", "prod-eks"]));
  });

  it.each(stacks)("%s is valid config, with the offline plan's labelled examples where it leaves values to the user", (stack) => {
    const loaded = loadStackSettings(withOfflineExamples(readStackConfig(stack)));
    const settings = loaded.kind === "fleet" ? loaded.fleet : loaded.settings;
    expect(settings.stack).toBe(stack);
    const [environment] = stack.split("-");
    if (environment === "dev" || environment === "prod") expect(settings.environment).toBe(environment);
  });

  it("hold no value that makes pulumi up fail halfway: what they leave to the user, pulumi up asks for before anything exists", () => {
    for (const stack of stacks) {
      const config = readStackConfig(stack);
      const examples = offlineExamples(config).map((e) => e.key);
      if (examples.length === 0 || examples.every((key) => key.endsWith(":existingKubeconfig"))) {
        expect(() => loadStackSettings(config), stack).not.toThrow();
        continue;
      }
      // Refused as a config error that names exactly the keys the plan stands examples in for.
      let named: string[] = [];
      try {
        loadStackSettings(config);
      } catch (err) {
        named = (err as { problems: { key: string }[] }).problems.map((p) => p.key);
      }
      expect(named.sort(), stack).toEqual(examples.sort());
    }
  });

  it("target the clouds their names promise", () => {
    const cloudOf = (stack: string) => loadSettings(withOfflineExamples(readStackConfig(stack))).platform.cloud;
    expect(["dev-aks", "prod-aks"].map(cloudOf)).toEqual(["azure", "azure"]);
    expect(["dev-eks", "prod-eks"].map(cloudOf)).toEqual(["aws", "aws"]);
    expect(cloudOf("local")).toBe("existing");
    const fleet = loadStackSettings(withOfflineExamples(readStackConfig("fleet")));
    expect(fleet.kind === "fleet" && fleet.fleet.members.map((m) => `${m.name} ${m.cloud} ${m.region}`)).toEqual(["seoul azure koreacentral", "tokyo aws ap-northeast-1"]);
  });
});
