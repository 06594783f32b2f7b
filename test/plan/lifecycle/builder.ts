import type { Capture, CapturedResource, Properties } from "../../../src/plan/capture.js";

/** A hand-made capture for lifecycle tests: resources by name, with the edges a test gives them. */
export class GraphBuilder {
  readonly resources: CapturedResource[] = [];

  add(
    type: string,
    name: string,
    options: { custom?: boolean; parent?: string; dependsOn?: string[]; provider?: string; inputs?: Properties; outputs?: Properties; id?: string } = {},
  ): string {
    const urn = `urn:pulumi:test::project::${type}::${name}`;
    this.resources.push({
      urn,
      type,
      name,
      custom: options.custom ?? true,
      parent: options.parent,
      provider: options.provider,
      id: options.id ?? `${name}-id`,
      inputs: options.inputs ?? {},
      outputs: options.outputs ?? {},
      secretInputs: [],
      dependencies: options.dependsOn ?? [],
      propertyDependencies: {},
      protect: false,
      ignoreChanges: [],
      replaceOnChanges: [],
      deleteBeforeReplace: false,
      aliases: [],
      retainOnDelete: false,
      additionalSecretOutputs: [],
    });
    return urn;
  }

  /** Adds `dependsOn` to the resource `urn`. */
  depend(urn: string, ...on: string[]): void {
    const resource = this.resources.find((r) => r.urn === urn);
    if (!resource) throw new Error(`no ${urn}`);
    resource.dependencies = [...resource.dependencies, ...on];
  }

  /** Removes the edge from `urn` to `on`. */
  cut(urn: string, on: string): void {
    const resource = this.resources.find((r) => r.urn === urn);
    if (!resource) throw new Error(`no ${urn}`);
    resource.dependencies = resource.dependencies.filter((d) => d !== on);
  }

  capture(): Pick<Capture, "resources"> {
    return { resources: this.resources.map((r) => ({ ...r, dependencies: [...r.dependencies] })) };
  }
}
