import { describe, expect, it } from "vitest";
import { actionProblems, workflowProblems } from "./support/workflow-parser.js";
import { allSteps, localActions, read, workflowFiles } from "./support/workflows.js";

/**
 * Every workflow, and every local action, is one GitHub accepts: checked with GitHub's own parser
 * (@actions/workflow-parser), which validates against the workflow schema the Actions service uses,
 * parses every expression, and checks that each context is one allowed where it is used (no `secrets`
 * in a job's `if`) and that `needs` names real jobs.
 */
describe("the workflows and actions in .github", () => {
  it("include the CI, deploy and integration workflows", () => {
    expect(workflowFiles).toEqual([".github/workflows/ci.yml", ".github/workflows/deploy.yml", ".github/workflows/integration.yml"]);
  });

  it.each(workflowFiles)("%s is a valid workflow", async (file) => {
    expect(await workflowProblems(file, read(file))).toEqual([]);
  });

  it.each([...localActions.keys()])("%s is a valid composite action", (uses) => {
    const file = `${uses.slice(2)}/action.yml`;
    expect(actionProblems(file, read(file))).toEqual([]);
  });

  it("pass values to scripts through env, never as ${{ }} inside run:, so no input can inject shell", () => {
    const injected = allSteps()
      .filter(({ step }) => step.run?.includes("${{"))
      .map(({ where, step }) => `${where}: ${step.name ?? step.run}`);
    expect(injected).toEqual([]);
  });
});

/** The validator above must be able to fail: each broken copy of a real file is refused, and says why. */
describe("the workflow validator", () => {
  const ci = read(".github/workflows/ci.yml");
  const deploy = read(".github/workflows/deploy.yml");
  const action = read(".github/actions/setup-deploy/action.yml");

  /** `text` with `from` replaced by `to`; `from` must be there, or the case would prove nothing. */
  const broken = (text: string, from: string, to: string): string => {
    expect(text, `the file no longer has ${JSON.stringify(from)}`).toContain(from);
    return text.replace(from, to);
  };

  it.each([
    ["a misspelt key", ci, "    runs-on: ubuntu-24.04\n", "    run-on: ubuntu-24.04\n", /Unexpected value 'run-on'|Required property is missing: runs-on/],
    ["a permission level that does not exist", deploy, "id-token: write # the OIDC", "id-token: writ # the OIDC", /Unexpected value 'writ'/],
    [
      "the secrets context in a job's if, where GitHub does not allow it",
      deploy,
      "if: github.event_name == 'pull_request' && needs.check.outputs.azure == 'true'",
      "if: secrets.PULUMI_ACCESS_TOKEN != ''",
      /Unrecognized named-value: 'secrets'/,
    ],
    ["a job that needs one that does not exist", deploy, "needs: check\n    if: github.event_name == 'push' && needs.check.outputs.aws", "needs: chek\n    if: github.event_name == 'push' && needs.check.outputs.aws", /depends on unknown job 'chek'/],
    ["an expression that does not parse", ci, "name: Test on Node.js ${{ matrix.node }}", "name: Test on Node.js ${{ matrix.node ) }}", /Unexpected symbol/],
    ["a file that is not YAML", ci, "jobs:\n", "jobs: [\n", /in YAML stream/],
  ])("refuses %s", async (_, text, from, to, problem) => {
    const problems = await workflowProblems("broken.yml", broken(text, from, to));
    expect(problems.join("\n")).toMatch(problem);
  });

  it.each([
    ["a run step without its shell, which a composite action must name", "    - run: npm ci\n      shell: bash\n", "    - run: npm ci\n", /shell/],
    ["a workflow context a composite action cannot read", "client-id: ${{ inputs.azure-client-id }}", "client-id: ${{ vars.AZURE_CLIENT_ID }}", /Unrecognized named-value: 'vars'/],
  ])("refuses a composite action with %s", (_, from, to, problem) => {
    expect(actionProblems("action.yml", broken(action, from, to)).join("\n")).toMatch(problem);
  });
});
