import { beforeAll, describe, expect, it } from "vitest";
import { captureStack, type Capture } from "../../../src/plan/capture.js";
import { all, one, transitiveDependencies } from "../../support/capture-helpers.js";

const nodeGroupType = "aws:eks/nodeGroup:NodeGroup";
const groups = [
  "name=general",
  "name=arm,instanceTypes=m7g.large|c7g.large,minSize=0,maxSize=4,desiredSize=1,diskSize=80",
  "name=spot,instanceTypes=m6i.large|m5.large,capacityType=SPOT,labels=workload=batch|team=data,taints=dedicated=batch:NoSchedule|spot:PreferNoSchedule",
];

let capture: Capture;
beforeAll(async () => {
  capture = await captureStack("dev-eks", { eksCompute: "cluster-autoscaler", eksNodeGroups: JSON.stringify(groups) });
});

const group = (name: string) => one(capture, nodeGroupType, `-${name}-nodes`);

describe("several node groups", () => {
  it("are created side by side: no group waits for another, directly or through anything else", () => {
    const nodeGroups = all(capture, nodeGroupType);
    expect(nodeGroups.map((g) => g.name)).toEqual(["dev-eks-general-nodes", "dev-eks-arm-nodes", "dev-eks-spot-nodes"]);
    for (const g of nodeGroups) {
      const waitsFor = transitiveDependencies(capture, g).map((r) => r.urn);
      for (const other of nodeGroups.filter((o) => o !== g)) expect(waitsFor).not.toContain(other.urn);
    }
  });

  it("take unset fields from the eksNode* keys and their own where given", () => {
    expect(group("general").inputs).toMatchObject({ instanceTypes: ["t3.medium"], scalingConfig: { minSize: 1, maxSize: 3, desiredSize: 2 } });
    expect(group("arm").inputs).toMatchObject({ instanceTypes: ["m7g.large", "c7g.large"], scalingConfig: { minSize: 0, maxSize: 4, desiredSize: 1 } });
    expect(one(capture, "aws:ec2/launchTemplate:LaunchTemplate", "-arm-lt").inputs.blockDeviceMappings).toMatchObject([{ ebs: { volumeSize: 80 } }]);
  });

  it("leave the desired size of a group with bounds to the Cluster Autoscaler", () => {
    expect(group("general").ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
    expect(group("arm").ignoreChanges).toEqual(["scalingConfig.desiredSize"]);
  });

  it("pick the ARM AMI for Graviton instance types", () => {
    expect(group("arm").inputs.amiType).toBe("AL2023_ARM_64_STANDARD");
    expect(group("general").inputs.amiType).toBe("AL2023_x86_64_STANDARD");
  });

  it("carry labels, taints in the EKS API's form, and the capacity type", () => {
    expect(group("spot").inputs).toMatchObject({
      capacityType: "SPOT",
      labels: { workload: "batch", team: "data" },
      taints: [
        { key: "dedicated", value: "batch", effect: "NO_SCHEDULE" },
        { key: "spot", effect: "PREFER_NO_SCHEDULE" },
      ],
    });
    expect(group("general").inputs).toMatchObject({ labels: {}, taints: [] });
  });

  it("each get their own launch template with IMDSv2 required", () => {
    const templates = all(capture, "aws:ec2/launchTemplate:LaunchTemplate");
    expect(templates).toHaveLength(3);
    for (const t of templates) expect(t.inputs.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
  });
});
