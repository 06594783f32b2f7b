import { readFileSync } from "node:fs";
import { Region } from "@pulumi/aws/types/enums/index.js";

interface AzureRegionsFile {
  compiled: string;
  regions: { name: string; nearestAwsRegion: string }[];
}

interface LatencyRegionsFile {
  compiled: string;
  regions: string[];
}

const readData = <T>(file: string): T => JSON.parse(readFileSync(new URL(`../../data/${file}`, import.meta.url), "utf8")) as T;
const azure = readData<AzureRegionsFile>("azure-regions.json");
const route53 = readData<LatencyRegionsFile>("route53-latency-regions.json");

/** The regions a Route 53 latency record may name in the commercial partition (data/route53-latency-regions.json, dated). */
const latencyRegions = new Set(route53.regions);

/** Azure's public regions (data/azure-regions.json, dated), and the AWS region nearest each. */
const azureRegions = new Map(azure.regions.map((r) => [r.name, r.nearestAwsRegion]));

/** The regions the AWS provider itself can target: its `Region` enum, so the list moves with the provider. */
const awsRegions = new Set<string>(Object.values(Region));

export type RegionCloud = "azure" | "aws" | "existing";

/** What a member on `cloud` may name as its region, in words, for errors. */
export function regionsExpected(cloud: RegionCloud): string {
  const azureText = `an Azure region of data/azure-regions.json (as of ${azure.compiled}), such as koreacentral`;
  const awsText = "an AWS region the provider knows (its Region enum), such as ap-northeast-2";
  if (cloud === "azure") return azureText;
  if (cloud === "aws") return awsText;
  return `${azureText}, or ${awsText}: where the existing cluster runs`;
}

export function isKnownRegion(cloud: RegionCloud, region: string): boolean {
  if (cloud === "azure") return azureRegions.has(region);
  if (cloud === "aws") return awsRegions.has(region);
  return azureRegions.has(region) || awsRegions.has(region);
}

/**
 * The AWS region a member answers Route 53 latency queries as: its own on AWS, the nearest AWS region to
 * an Azure one. Route 53 measures latency to AWS regions only, so a record must name one the API takes;
 * a region outside the commercial partition (GovCloud, China) has none here.
 */
export function latencyRegion(region: string): string | undefined {
  const aws = awsRegions.has(region) ? region : azureRegions.get(region);
  return aws !== undefined && latencyRegions.has(aws) ? aws : undefined;
}

/** What a latency member's region must give, in words, for errors. */
export const latencyRegionsExpected = `a region whose AWS region (its own, or the nearest to an Azure region in data/azure-regions.json) is one a Route 53 latency record takes in the commercial partition (data/route53-latency-regions.json, as of ${route53.compiled})`;
