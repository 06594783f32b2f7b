import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);

/** Runs the offline plan as `npm start` does, and returns its exit code and output. */
async function plan(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/plan/cli.ts", ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

const stackTrace = /^\s+at /m;

describe("offline plan command", () => {
  it("names the known stacks when the stack does not exist, without a stack trace", async () => {
    const result = await plan("--stack", "staging");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/No stack "staging": there is no stacks\/Pulumi\.staging\.yaml\. Known stacks: .*dev-aks/);
    expect(result.stderr).not.toMatch(stackTrace);
  });

  it("prints the config error and exits non-zero, without a stack trace", async () => {
    const result = await plan("--stack", "local", "--config", "appVote1=Dogs", "--config", "existingServiceTyp=NodePort");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('voting-platform:appVote2 = "Dogs": a label different from appVote1 (Dogs)');
    expect(result.stderr).toContain("did you mean voting-platform:existingServiceType?");
    expect(result.stderr).not.toMatch(stackTrace);
    expect(result.stdout).toBe("");
  });

  it("shows its usage for an unknown flag", async () => {
    const result = await plan("--stak", "dev-aks");
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Unknown option '--stak'[\s\S]*Usage: npm start/);
  });
});
