import type { z } from "zod";
import { cidrContains, cidrContainsIp, cidrsOverlap, parseCidr, parseIp } from "./cidr.js";
import { field } from "./fields.js";
import { defineFragment, type ConfigContext } from "./fragment.js";

const azureRegion = /^[a-z][a-z0-9]{2,30}$/;
const vmSize = /^Standard_[A-Za-z0-9_]+$/;

/** The AKS platform's keys, with defaults that depend on the environment. */
export function aksConfig(ctx: ConfigContext) {
  const prod = ctx.environment === "prod";
  return defineFragment(
    {
      "azure-native:location": field.string({
        pattern: azureRegion,
        expected: "an Azure region name such as westeurope or eastus2",
      }),
      aksKubernetesVersion: field.optionalString("a Kubernetes version such as 1.33 or 1.33.2", /^\d+\.\d+(\.\d+)?$/),
      aksVnetCidr: field.cidr({ default: "10.10.0.0/16" }),
      aksNodeSubnetCidr: field.cidr({ default: "10.10.0.0/20" }),
      aksServiceCidr: field.cidr({ default: "10.0.0.0/16" }),
      aksDnsServiceIp: field.string({
        default: "10.0.0.10",
        pattern: /^\d{1,3}(\.\d{1,3}){3}$/,
        expected: "an IPv4 address inside aksServiceCidr",
      }),
      aksNodeCount: field.integer({ min: 1, max: 100, default: 3 }),
      aksVmSize: field.string({
        default: prod ? "Standard_D4s_v5" : "Standard_B2s",
        pattern: vmSize,
        expected: "an Azure VM size such as Standard_D4s_v5",
      }),
    },
    (v, report) => {
      const vnet = parseCidr(v.aksVnetCidr);
      const nodes = parseCidr(v.aksNodeSubnetCidr);
      const services = parseCidr(v.aksServiceCidr);
      if (vnet && nodes && !cidrContains(vnet, nodes)) {
        report("aksNodeSubnetCidr", `a block inside aksVnetCidr (${v.aksVnetCidr})`);
      }
      if (vnet && services && cidrsOverlap(vnet, services)) {
        report("aksServiceCidr", `a block that does not overlap aksVnetCidr (${v.aksVnetCidr})`);
      }
      const dns = parseIp(v.aksDnsServiceIp);
      if (services && (dns === undefined || !cidrContainsIp(services, dns) || dns === services.first)) {
        report("aksDnsServiceIp", `an IPv4 address inside aksServiceCidr (${v.aksServiceCidr}), not its first address`);
      }
      return {
        location: v["azure-native:location"],
        kubernetesVersion: v.aksKubernetesVersion,
        network: {
          vnetCidr: v.aksVnetCidr,
          nodeSubnetCidr: v.aksNodeSubnetCidr,
          serviceCidr: v.aksServiceCidr,
          dnsServiceIp: v.aksDnsServiceIp,
        },
        systemPool: { count: v.aksNodeCount, vmSize: v.aksVmSize },
      };
    },
  );
}

export type AksSettings = z.output<ReturnType<typeof aksConfig>["schema"]>;
