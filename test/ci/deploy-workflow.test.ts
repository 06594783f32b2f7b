import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { input, interpolate, type Job, read, root, runs, stacks, type Step, workflow } from "./support/workflows.js";

const deploy = workflow(".github/workflows/deploy.yml");
// A fleet needs both clouds at once and a hosted zone of the user's; it is run by `npm run fleet`.
const deployable = stacks.filter((s) => s.name !== "local" && s.cloud !== "fleet");
const cloudOfStack = new Map(stacks.map((s) => [s.name, s.cloud]));

/** The jobs that run Pulumi: their cloud (the setup action's), command, stacks and Pulumi step. */
const pulumiJobs = Object.entries(deploy.jobs).flatMap(([id, job]) => {
  const pulumi = job.steps?.find((step) => step.uses?.startsWith("pulumi/actions@"));
  const setup = job.steps?.find((step) => step.uses === "./.github/actions/setup-deploy");
  if (!pulumi) return [];
  const matrix = (job.strategy?.matrix?.stack ?? []) as string[];
  return [{ id, job, pulumi, setup, cloud: input(setup ?? {}, "cloud") ?? "", command: input(pulumi, "command") ?? "", matrix }];
});
const previews = pulumiJobs.filter((j) => j.command === "preview");
const ups = pulumiJobs.filter((j) => j.command === "up");

const perStack = pulumiJobs.flatMap((j) => j.matrix.map((stack) => [`${j.id} ${stack}`, j, stack] as const));

describe("the deploy workflow", () => {
  it("previews on pull requests and deploys on pushes to main", () => {
    expect(Object.keys(deploy.on).sort()).toEqual(["pull_request", "push"]);
    expect(deploy.on.push).toEqual({ branches: ["main"] });
    expect(previews.length).toBeGreaterThan(0);
    expect(ups.length).toBeGreaterThan(0);
  });

  it("previews, and deploys, exactly the stacks of stacks/ but local and the fleet, each once", () => {
    const names = deployable.map((s) => s.name).sort();
    expect(names).toEqual(["dev-aks", "dev-eks", "prod-aks", "prod-eks"]);
    expect(previews.flatMap((j) => j.matrix).sort()).toEqual(names);
    expect(ups.flatMap((j) => j.matrix).sort()).toEqual(names);
  });

  it("gives each job only stacks of its own cloud", () => {
    for (const j of pulumiJobs) {
      expect(["azure", "aws"], j.id).toContain(j.cloud);
      expect(j.matrix.map((stack) => cloudOfStack.get(stack)), j.id).toEqual(j.matrix.map(() => j.cloud));
    }
  });

  it("reads the stack files from the directory Pulumi.yaml names", () => {
    expect((parse(read("Pulumi.yaml")) as { stackConfigDir?: string }).stackConfigDir).toBe("stacks");
    expect(read(".github/actions/setup-deploy/action.yml")).toContain('"stacks/Pulumi.$STACK.yaml"');
  });
});

describe("the secrets check", () => {
  const check = deploy.jobs.check as Job;
  const step = check.steps?.find((s) => s.id === "check") as Step;
  const names = ["PULUMI_ACCESS_TOKEN", "AZURE_CLIENT_ID", "AZURE_TENANT_ID", "AZURE_SUBSCRIPTION_ID", "AWS_ROLE_ARN"];

  it("is the first job, and exposes one output per cloud", () => {
    expect(check.needs).toBeUndefined();
    expect(step.run).toBe("bash .github/scripts/check-deploy-config.sh");
    expect(check.outputs).toEqual({ azure: "${{ steps.check.outputs.azure }}", aws: "${{ steps.check.outputs.aws }}" });
  });

  it("hands the script the Pulumi token as a secret and the cloud identities as variables", () => {
    expect(step.env).toEqual(
      Object.fromEntries(names.map((name) => [name, `\${{ ${name === "PULUMI_ACCESS_TOKEN" ? "secrets" : "vars"}.${name} }}`])),
    );
  });

  it("gates every Pulumi job: each runs on its event only, and only when its cloud's output is true", () => {
    for (const j of pulumiJobs) {
      expect([j.job.needs].flat(), j.id).toContain("check");
      const event = j.command === "preview" ? "pull_request" : "push";
      for (const event_name of ["pull_request", "push"]) {
        for (const azure of ["true", "false"]) {
          for (const aws of ["true", "false"]) {
            const outputs = { azure, aws };
            const ran = runs(j.job.if ?? "true", { github: { event_name }, needs: { check: { outputs } } });
            const expected = event_name === event && outputs[j.cloud as "azure" | "aws"] === "true";
            expect(ran, `${j.id} on ${event_name} with azure=${azure} aws=${aws}`).toBe(expected);
          }
        }
      }
    }
  });

  it("signs each job in with the same variables the check looked for", () => {
    const expected = {
      azure: {
        "azure-client-id": "${{ vars.AZURE_CLIENT_ID }}",
        "azure-tenant-id": "${{ vars.AZURE_TENANT_ID }}",
        "azure-subscription-id": "${{ vars.AZURE_SUBSCRIPTION_ID }}",
      },
      aws: { "aws-role-to-assume": "${{ vars.AWS_ROLE_ARN }}" },
    };
    for (const j of pulumiJobs) {
      expect(j.setup?.with, j.id).toEqual({ cloud: j.cloud, stack: "${{ matrix.stack }}", ...expected[j.cloud as "azure" | "aws"] });
      expect(j.job.env, j.id).toEqual({ PULUMI_ACCESS_TOKEN: "${{ secrets.PULUMI_ACCESS_TOKEN }}" });
    }
  });
});

describe("check-deploy-config.sh", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "deploy-check-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs the script as the check step does, with only the given values set. */
  function run(values: Record<string, string>) {
    const output = path.join(dir, "output");
    const summary = path.join(dir, "summary");
    writeFileSync(output, "");
    writeFileSync(summary, "");
    const stdout = execFileSync("bash", [path.join(root, ".github/scripts/check-deploy-config.sh")], {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", GITHUB_OUTPUT: output, GITHUB_STEP_SUMMARY: summary, ...values },
      encoding: "utf8",
    });
    return { outputs: readFileSync(output, "utf8"), summary: readFileSync(summary, "utf8"), stdout };
  }
  const azure = { AZURE_CLIENT_ID: "client-1", AZURE_TENANT_ID: "tenant-2", AZURE_SUBSCRIPTION_ID: "subscription-3" };

  it("turns every cloud off without the Pulumi token, and says so in the summary and the log", () => {
    const result = run({ ...azure, AWS_ROLE_ARN: "arn:aws:iam::1:role/r" });
    expect(result.outputs).toBe("azure=false\naws=false\n");
    expect(result.summary).toMatch(/Azure stacks \(AKS\) \| \*\*skipped\*\*: missing secret PULUMI_ACCESS_TOKEN \|/);
    expect(result.summary).toMatch(/AWS stacks \(EKS\) \| \*\*skipped\*\*: missing secret PULUMI_ACCESS_TOKEN \|/);
    expect(result.stdout).toMatch(/^::notice title=Azure stacks \(AKS\) skipped::missing secret PULUMI_ACCESS_TOKEN$/m);
  });

  it("turns one cloud on and names what the other lacks", () => {
    const result = run({ PULUMI_ACCESS_TOKEN: "pul-secret", ...azure });
    expect(result.outputs).toBe("azure=true\naws=false\n");
    expect(result.summary).toMatch(/Azure stacks \(AKS\) \| runs \|/);
    expect(result.summary).toMatch(/AWS stacks \(EKS\) \| \*\*skipped\*\*: missing variable AWS_ROLE_ARN \|/);
  });

  it("names every missing value when nothing is set", () => {
    const result = run({});
    expect(result.outputs).toBe("azure=false\naws=false\n");
    expect(result.summary).toContain(
      "missing secret PULUMI_ACCESS_TOKEN, variable AZURE_CLIENT_ID, variable AZURE_TENANT_ID, variable AZURE_SUBSCRIPTION_ID",
    );
    expect(result.summary).toContain("forks");
  });

  it("turns both on when all is set, and never prints a value", () => {
    const values = { PULUMI_ACCESS_TOKEN: "pul-secret", ...azure, AWS_ROLE_ARN: "arn:aws:iam::1:role/r" };
    const result = run(values);
    expect(result.outputs).toBe("azure=true\naws=true\n");
    expect(result.summary).not.toContain("**skipped**");
    const printed = result.outputs + result.summary + result.stdout;
    expect(Object.values(values).filter((value) => printed.includes(value))).toEqual([]);
  });
});

describe("the Pulumi jobs", () => {
  it.each(perStack)("%s runs the policy pack with the stack's waivers, from the offline plan's file", (_, j, stack) => {
    const ctx = { matrix: { stack } };
    const steps = j.job.steps ?? [];
    expect(interpolate(input(j.pulumi, "stack-name") ?? "", ctx)).toBe(stack);
    expect(input(j.pulumi, "policyPacks")).toBe("policy");
    expect(existsSync(path.join(root, "policy/PulumiPolicy.yaml"))).toBe(true);
    expect(interpolate(input(j.pulumi, "policyPackConfigs") ?? "", ctx)).toBe(`out/${stack}/policy-config.json`);
    // The offline plan writes that file, so it runs before the Pulumi step, for the same stack.
    const plan = steps.findIndex((step) => step.run === 'npm start -- --stack "$STACK"');
    expect(plan, "the offline plan step").toBeGreaterThanOrEqual(0);
    expect(plan).toBeLessThan(steps.indexOf(j.pulumi));
    expect(interpolate(steps[plan]?.env?.STACK ?? "", ctx)).toBe(stack);
  });

  it.each(pulumiJobs.map((j) => [j.id, j] as const))("%s gets an OIDC token and no more permissions than it uses", (_, j) => {
    const comments = input(j.pulumi, "comment-on-pr") === "true";
    expect(j.job.permissions).toEqual({ contents: "read", "id-token": "write", ...(comments ? { "pull-requests": "write" } : {}) });
    expect(comments).toBe(j.command === "preview");
  });

  it.each(perStack.filter(([, j]) => j.command === "up"))("%s deploys through the environment of its stack", (_, j, stack) => {
    const environment = stacks.find((s) => s.name === stack)?.environment;
    const expected = environment === "prod" ? "production" : "development";
    expect(interpolate(String(j.job.environment ?? ""), { matrix: { stack } })).toBe(expected);
  });

  it("runs previews in no environment, so that they need no approval", () => {
    expect(previews.map((j) => j.job.environment)).toEqual(previews.map(() => undefined));
  });

  it("deploys dev before prod, one at a time, and never prod after dev failed", () => {
    for (const j of ups) {
      expect(j.job.strategy?.["max-parallel"], j.id).toBe(1);
      expect(j.job.strategy?.["fail-fast"], j.id).toBe(true);
      const order = j.matrix.map((stack) => stacks.find((s) => s.name === stack)?.environment);
      expect(order, j.id).toEqual(["dev", "prod"]);
    }
  });

  it("never runs two updates of a stack at once, nor cancels one halfway", () => {
    for (const j of ups) {
      expect(j.job.concurrency?.["cancel-in-progress"], j.id).toBe(false);
      for (const stack of j.matrix) expect(interpolate(j.job.concurrency?.group ?? "", { matrix: { stack } })).toBe(`up-${stack}`);
    }
  });
});
