import * as cloudwatch from "@pulumi/aws/cloudwatch/index.js";
import * as sqs from "@pulumi/aws/sqs/index.js";
import * as pulumi from "@pulumi/pulumi";
import type { PolicyStatement } from "./iam-policies.js";

/**
 * The EC2 and AWS Health events Karpenter reads, as upstream's CloudFormation template routes them
 * (policies/karpenter-v1.14.1-cloudformation.yaml), one rule each. On a spot or capacity reservation
 * interruption warning, scheduled maintenance, or an instance stopped or terminated behind its back, it
 * cordons and drains the node and launches a replacement; a rebalance recommendation it only records.
 */
const interruptionEventPatterns = {
  "scheduled-change": { source: ["aws.health"], "detail-type": ["AWS Health Event"] },
  "spot-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Spot Instance Interruption Warning"] },
  rebalance: { source: ["aws.ec2"], "detail-type": ["EC2 Instance Rebalance Recommendation"] },
  "instance-state-change": { source: ["aws.ec2"], "detail-type": ["EC2 Instance State-change Notification"] },
  "capacity-reservation-interruption": { source: ["aws.ec2"], "detail-type": ["EC2 Capacity Reservation Instance Interruption Warning"] },
} as const;

export interface KarpenterInterruptionQueueArgs {
  /** The cluster's name, which the queue is named after, as upstream names it. */
  clusterName: pulumi.Input<string>;
  /** Tags on the queue and the rules. @default {} */
  tags?: Record<string, string>;
}

/** A queue policy statement; SQS's `Principal: "*"` is the anonymous principal IAM policies never name. */
type QueueStatement = Omit<PolicyStatement, "Principal"> & { Principal: PolicyStatement["Principal"] | "*" };

/**
 * Karpenter's interruption queue: an SQS queue, encrypted with SQS's own keys, that EventBridge rules
 * feed with the events Karpenter handles. Messages live 5 minutes, as upstream's: an interruption warning
 * older than that is about an instance that is gone.
 */
export class KarpenterInterruptionQueue extends pulumi.ComponentResource {
  readonly queue: sqs.Queue;
  readonly rules: cloudwatch.EventRule[];
  /** What the controller needs from start to end: the queue, its policy, the rules and their targets. */
  readonly readiness: pulumi.Resource[];

  constructor(name: string, args: KarpenterInterruptionQueueArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:aws:KarpenterInterruptionQueue", name, {}, opts);
    const tags = args.tags ?? {};

    this.queue = new sqs.Queue(
      `${name}-queue`,
      // The controller is told the queue's name; naming it after the cluster keeps it findable, as upstream's.
      { name: args.clusterName, messageRetentionSeconds: 300, sqsManagedSseEnabled: true, tags },
      { parent: this },
    );
    const policy = new sqs.QueuePolicy(
      `${name}-policy`,
      {
        queueUrl: this.queue.url,
        policy: this.queue.arn.apply((arn) => {
          const Statement: QueueStatement[] = [
            { Effect: "Allow", Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] }, Action: "sqs:SendMessage", Resource: arn },
            { Sid: "DenyHTTP", Effect: "Deny", Action: "sqs:*", Resource: arn, Condition: { Bool: { "aws:SecureTransport": "false" } }, Principal: "*" },
          ];
          return JSON.stringify({ Version: "2012-10-17", Id: "EC2InterruptionPolicy", Statement });
        }),
      },
      { parent: this },
    );

    const targets: cloudwatch.EventTarget[] = [];
    this.rules = Object.entries(interruptionEventPatterns).map(([event, pattern]) => {
      const ruleName = `${name}-${event}`;
      const rule = new cloudwatch.EventRule(
        ruleName,
        { description: `Karpenter: ${pattern["detail-type"][0]}`, eventPattern: JSON.stringify(pattern), tags },
        { parent: this },
      );
      targets.push(
        new cloudwatch.EventTarget(
          `${ruleName}-target`,
          { rule: rule.name, arn: this.queue.arn, targetId: "KarpenterInterruptionQueueTarget" },
          // EventBridge may deliver only once the queue policy lets it send.
          { parent: this, dependsOn: [policy] },
        ),
      );
      return rule;
    });

    this.readiness = [this.queue, policy, ...this.rules, ...targets];
    this.registerOutputs({ queueName: this.queue.name, queueArn: this.queue.arn, ruleNames: this.rules.map((r) => r.name) });
  }
}
