import * as operationalinsights from "@pulumi/azure-native/operationalinsights/index.js";
import * as operationsmanagement from "@pulumi/azure-native/operationsmanagement/index.js";
import * as pulumi from "@pulumi/pulumi";

export interface AksMonitoringArgs {
  /** Resource group that holds the workspace. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the workspace. */
  location: pulumi.Input<string>;
  /** Name of the Log Analytics workspace. */
  workspaceName: string;
  /**
   * Days logs are kept (30-730); the first 31 are included in the ingestion price.
   * @default 30
   */
  retentionDays?: number;
  /**
   * Protect the workspace from deletion.
   * @default false
   */
  protect?: boolean;
  /**
   * Tags for the workspace.
   * @default {}
   */
  tags?: Record<string, string>;
}

/**
 * The Log Analytics workspace Container Insights (the cluster's `omsagent` add-on) and the control
 * plane's diagnostic setting write to, with the ContainerInsights solution that holds its tables and
 * views. The cluster wires itself to `workspace.id`.
 */
export class AksMonitoring extends pulumi.ComponentResource {
  readonly workspace: operationalinsights.Workspace;
  readonly containerInsights: operationsmanagement.Solution;

  constructor(name: string, args: AksMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksMonitoring", name, {}, opts);
    const retentionDays = args.retentionDays ?? 30;
    if (!Number.isInteger(retentionDays) || retentionDays < 30 || retentionDays > 730) {
      throw new Error(`AksMonitoring ${name}: retentionDays must be an integer from 30 to 730, got ${retentionDays}`);
    }
    const tags = args.tags ?? {};

    this.workspace = new operationalinsights.Workspace(
      `${name}-workspace`,
      {
        workspaceName: args.workspaceName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        sku: { name: "PerGB2018" },
        retentionInDays: retentionDays,
        tags,
      },
      { parent: this, protect: args.protect ?? false },
    );

    this.containerInsights = new operationsmanagement.Solution(
      `${name}-container-insights`,
      {
        // The solution's name must be ContainerInsights(<workspace name>); ARM rejects any other.
        solutionName: pulumi.interpolate`ContainerInsights(${this.workspace.name})`,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        plan: {
          name: pulumi.interpolate`ContainerInsights(${this.workspace.name})`,
          product: "OMSGallery/ContainerInsights",
          publisher: "Microsoft",
          promotionCode: "",
        },
        properties: { workspaceResourceId: this.workspace.id },
        tags,
      },
      { parent: this },
    );

    this.registerOutputs({ workspaceId: this.workspace.id, customerId: this.workspace.customerId });
  }
}
