import module from "node:module";

/**
 * GitHub's own workflow parser (@actions/workflow-parser, from actions/languageservices, the code behind
 * the GitHub Actions extension for VS Code), loaded so that Node can run it.
 *
 * Its dist imports its schema files as `import schema from "../workflow-v1.0.min.json"`, without the
 * `with { type: "json" }` attribute Node's ES module loader requires, so a plain import fails with
 * ERR_IMPORT_ATTRIBUTE_MISSING (actions/languageservices issue #387, open). A load hook adds the
 * attribute for that package's own JSON files and changes nothing else. Node 22.15 and later have
 * synchronous in-thread hooks (module.registerHooks); Node 26 deprecates module.register, which older
 * Node (20 here) still needs.
 */

interface LoadContext {
  importAttributes?: Record<string, string>;
  [key: string]: unknown;
}
type NextLoad = (url: string, context?: LoadContext) => unknown;
interface SyncHooks {
  load: (url: string, context: LoadContext, nextLoad: NextLoad) => unknown;
}

const registerHooks = (module as unknown as { registerHooks?: (hooks: SyncHooks) => unknown }).registerHooks;

if (registerHooks) {
  registerHooks({
    load: (url, context, nextLoad) =>
      nextLoad(
        url,
        /\/@actions\/workflow-parser\/dist\/.*\.json$/.test(url)
          ? { ...context, importAttributes: { ...context.importAttributes, type: "json" } }
          : context,
      ),
  });
} else {
  // The same hook as an asynchronous one, which runs on the loader thread and so is passed as source.
  const source = `export async function load(url, context, nextLoad) {
    const json = /\\/@actions\\/workflow-parser\\/dist\\/.*\\.json$/.test(url);
    return nextLoad(url, json ? { ...context, importAttributes: { ...context.importAttributes, type: "json" } } : context);
  }`;
  module.register(`data:text/javascript,${encodeURIComponent(source)}`);
}

const parser = await import("@actions/workflow-parser");
const actions = await import("@actions/workflow-parser/actions/index");

/** What GitHub would say about a workflow file: its schema, its expressions, and the job graph. */
export async function workflowProblems(name: string, content: string): Promise<string[]> {
  const result = parser.parseWorkflow({ name, content }, new parser.NoOperationTraceWriter());
  const parseErrors = result.context.errors.getErrors().map((e) => e.message);
  if (!result.value) return parseErrors;
  // The converter checks what the schema cannot: job ids in needs, contexts allowed where they are used.
  const template = await parser.convertWorkflowTemplate(result.context, result.value);
  const convertErrors = (template.errors ?? []).map((e) => e.Message);
  return [...new Set([...parseErrors, ...convertErrors])];
}

/** What GitHub would say about an action's metadata file (action.yml). */
export function actionProblems(name: string, content: string): string[] {
  const result = actions.parseAction({ name, content }, new parser.NoOperationTraceWriter());
  const parseErrors = result.context.errors.getErrors().map((e) => e.message);
  if (!result.value) return parseErrors;
  actions.convertActionTemplate(result.context, result.value);
  return [...new Set(result.context.errors.getErrors().map((e) => e.message))];
}
