import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { readProjectFile } from "../src/plan/stack-config.js";

const run = promisify(execFile);

describe("program entry point", () => {
  it("loads under node with the nodeargs of Pulumi.yaml, as the language host imports it", async () => {
    // The Node language host imports `main` by its real path as a file URL and, when the module has a
    // default export, requires it to be the only export and calls it for the stack outputs.
    const probe = `
      import { realpathSync } from "node:fs";
      import { pathToFileURL } from "node:url";
      const mod = await import(pathToFileURL(realpathSync("src/index.ts")).href);
      console.log(JSON.stringify({ exports: Object.keys(mod), type: typeof mod.default }));
    `;
    const { runtime } = readProjectFile() as unknown as { runtime: { options: { nodeargs: string } } };
    const nodeargs = runtime.options.nodeargs.split(" ");
    const { stdout } = await run(process.execPath, [...nodeargs, "--input-type=module", "-e", probe], { timeout: 60_000 });
    expect(JSON.parse(stdout)).toEqual({ exports: ["default"], type: "function" });
  });
});
