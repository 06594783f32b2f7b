import { readFileSync } from "node:fs";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/** AKS's built-in class: locally redundant Standard SSD, a disk in one zone. */
export const zonalStorageClass = "managed-csi";
/** Ours: zone-redundant disks, which attach in any zone of the region. */
export const zoneRedundantStorageClass = "managed-csi-zrs";

const regionsFile = new URL("../../data/azure-zrs-disk-regions.json", import.meta.url);

/** Whether the region offers zone-redundant managed disks, by the dated list in data/. */
export function offersZoneRedundantDisks(location: string): boolean {
  const { regions } = JSON.parse(readFileSync(regionsFile, "utf8")) as { regions: string[] };
  return regions.includes(location.toLowerCase().replace(/\s+/g, ""));
}

export interface ZoneRedundantStorageArgs {
  /** The cluster's Kubernetes provider. */
  provider: k8s.Provider;
  /**
   * `Premium_ZRS` or `StandardSSD_ZRS`.
   * @default "StandardSSD_ZRS"
   */
  skuName?: "Premium_ZRS" | "StandardSSD_ZRS";
}

/**
 * A StorageClass of zone-redundant disks from AKS's Azure Disk CSI driver. A zonal disk ties its pod
 * to one zone, and with about one node per zone, draining that node leaves the pod Pending until a node
 * returns there; a ZRS disk is replicated across the region's zones and attaches to a node in any of
 * them. Volumes bind where the pod lands, and go with their claim.
 */
export class ZoneRedundantStorage extends pulumi.ComponentResource {
  readonly storageClass: k8s.storage.v1.StorageClass;

  constructor(name: string, args: ZoneRedundantStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("voting-platform:azure:ZoneRedundantStorage", name, {}, opts);
    this.storageClass = new k8s.storage.v1.StorageClass(
      `${name}-class`,
      {
        metadata: { name: zoneRedundantStorageClass },
        provisioner: "disk.csi.azure.com",
        parameters: { skuName: args.skuName ?? "StandardSSD_ZRS" },
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Delete",
      },
      { parent: this, provider: args.provider },
    );
    this.registerOutputs({ storageClassName: this.storageClass.metadata.name });
  }
}
