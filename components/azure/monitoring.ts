import * as monitor from "@pulumi/azure-native/monitor/index.js";
import * as operationalinsights from "@pulumi/azure-native/operationalinsights/index.js";
import * as pulumi from "@pulumi/pulumi";

export interface AksMonitoringArgs {
  /** Resource group that holds the workspace and the data collection rule. */
  resourceGroupName: pulumi.Input<string>;
  /** Azure region of the workspace and the data collection rule. */
  location: pulumi.Input<string>;
  /** Name of the Log Analytics workspace. */
  workspaceName: string;
  /** Name of Container Insights' data collection rule, `MSCI-<region>-<cluster>` as Azure names its own. */
  containerInsightsRuleName: string;
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
   * Tags for the workspace and the rule.
   * @default {}
   */
  tags?: Record<string, string>;
}

/** The stream group that carries every Container Insights table: logs, events, inventory, metrics. */
export const containerInsightsStreams = ["Microsoft-ContainerInsights-Group-Default"];

/**
 * The Log Analytics workspace, and the data collection rule that tells Container Insights' agent (the
 * cluster's `omsagent` add-on, signing in with its managed identity) what to collect and where to send
 * it. The cluster associates itself with `containerInsightsRule` and sends its control-plane logs to
 * `workspace`.
 */
export class AksMonitoring extends pulumi.ComponentResource {
  readonly workspace: operationalinsights.Workspace;
  readonly containerInsightsRule: monitor.DataCollectionRule;

  constructor(name: string, args: AksMonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:AksMonitoring", name, {}, opts);
    const retentionDays = args.retentionDays ?? 30;
    if (!Number.isInteger(retentionDays) || retentionDays < 30 || retentionDays > 730) {
      throw new Error(`AksMonitoring ${name}: retentionDays must be an integer from 30 to 730, got ${retentionDays}`);
    }
    if (args.containerInsightsRuleName.length > 64) {
      throw new Error(`AksMonitoring ${name}: containerInsightsRuleName must be at most 64 characters, got ${args.containerInsightsRuleName}`);
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

    this.containerInsightsRule = this.createContainerInsightsRule(name, args, tags);

    this.registerOutputs({ workspaceId: this.workspace.id, customerId: this.workspace.customerId, containerInsightsRuleId: this.containerInsightsRule.id });
  }

  /** The rule AKS's managed-identity onboarding creates: the ContainerInsights extension's streams to the workspace. */
  private createContainerInsightsRule(name: string, args: AksMonitoringArgs, tags: Record<string, string>) {
    const destination = "ciworkspace";
    return new monitor.DataCollectionRule(
      `${name}-container-insights`,
      {
        dataCollectionRuleName: args.containerInsightsRuleName,
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        kind: "Linux",
        description: "Container Insights for the AKS cluster: container logs (ContainerLogV2), events, inventory and metrics.",
        dataSources: {
          extensions: [
            {
              name: "ContainerInsightsExtension",
              extensionName: "ContainerInsights",
              streams: containerInsightsStreams,
              // Azure's defaults: every namespace, metrics and inventory each minute, logs in ContainerLogV2.
              extensionSettings: { dataCollectionSettings: { interval: "1m", namespaceFilteringMode: "Off", enableContainerLogV2: true } },
            },
          ],
        },
        destinations: { logAnalytics: [{ name: destination, workspaceResourceId: this.workspace.id }] },
        dataFlows: [{ streams: containerInsightsStreams, destinations: [destination] }],
        tags,
      },
      { parent: this },
    );
  }
}
