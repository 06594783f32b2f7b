import { describe, expect, it } from "vitest";
import { chooseKubernetesVersion, defaultVersion, type OfferedVersion } from "../../../components/aws/kubernetes-version.js";

const now = new Date("2026-12-02T12:00:00Z");
const offered: OfferedVersion[] = [
  { version: "1.36", status: "STANDARD_SUPPORT", isDefault: false, endOfStandardSupport: new Date("2027-08-02"), endOfExtendedSupport: new Date("2028-08-02") },
  { version: "1.35", status: "STANDARD_SUPPORT", isDefault: true, endOfStandardSupport: new Date("2027-03-27"), endOfExtendedSupport: new Date("2028-03-27") },
  { version: "1.34", status: "EXTENDED_SUPPORT", isDefault: false, endOfStandardSupport: new Date("2026-12-02"), endOfExtendedSupport: new Date("2027-12-02") },
  { version: "1.33", status: "EXTENDED_SUPPORT", isDefault: false, endOfStandardSupport: new Date("2026-07-29"), endOfExtendedSupport: new Date("2027-07-29") },
];
const choose = (request: Partial<Parameters<typeof chooseKubernetesVersion>[0]>) =>
  chooseKubernetesVersion({ offered, supportType: "STANDARD", now, ...request });

describe("the Kubernetes version of an EKS cluster", () => {
  it("is EKS's own default for a new cluster, and what a running cluster runs when nothing is pinned", () => {
    expect(choose({})).toMatchObject({ version: "1.35", reason: "default", problems: [] });
    // EKS moving its default never upgrades a running cluster.
    expect(choose({ existing: "1.34", supportType: "EXTENDED" })).toMatchObject({ version: "1.34", reason: "existing", problems: [] });
  });

  it("falls back to the newest in standard support when EKS marks no default, and takes the newest of several", () => {
    expect(defaultVersion(offered.map((v) => ({ ...v, isDefault: false })))).toBe("1.36");
    expect(defaultVersion(offered.map((v) => ({ ...v, isDefault: true })))).toBe("1.36");
    expect(choose({ offered: [] }).problems).toEqual(["a version EKS offers; EKS reported none in this region"]);
  });

  it("refuses a pinned version out of standard support while the support policy is STANDARD", () => {
    expect(choose({ pinned: "1.33" }).problems).toEqual([
      "a version in standard support (1.36, 1.35) while the support policy is STANDARD, as in dev: 1.33 left standard support on 2026-07-29, and EKS runs a STANDARD cluster on versions in standard support only",
    ]);
  });

  it("lets EXTENDED run it, and warns that it is billed at the extended support price", () => {
    const choice = choose({ pinned: "1.33", supportType: "EXTENDED" });
    expect(choice.problems).toEqual([]);
    expect(choice.warnings).toEqual([expect.stringMatching(/^Kubernetes 1\.33 is in extended support, until 2027-07-29: EKS bills the cluster at its extended support price/)]);
  });

  it("warns within 90 days of the end of standard support, and not before", () => {
    expect(choose({ pinned: "1.35", now: new Date("2027-01-01T00:00:00Z") }).warnings).toEqual([
      "Kubernetes 1.35 leaves standard support on 2027-03-27, in 85 days: EKS then upgrades the cluster on its own; plan the upgrade",
    ]);
    expect(choose({ pinned: "1.35", now: new Date("2026-12-01T00:00:00Z") }).warnings).toEqual([]);
    expect(choose({ pinned: "1.35", supportType: "EXTENDED", now: new Date("2027-03-01T00:00:00Z") }).warnings).toEqual([
      expect.stringMatching(/in 26 days: after that the cluster is billed at the extended support price/),
    ]);
  });

  it("refuses a version EKS does not offer, a downgrade, and a jump of more than one minor version", () => {
    expect(choose({ pinned: "1.29" }).problems).toEqual(["a version EKS offers in this region (1.36, 1.35, 1.34, 1.33); 1.29 is not one"]);
    expect(choose({ pinned: "1.35", existing: "1.36" }).problems).toEqual(["1.36 or later: the cluster runs 1.36, and EKS never downgrades one"]);
    expect(choose({ pinned: "1.36", existing: "1.34", supportType: "EXTENDED" }).problems).toEqual([
      "1.35 first: the cluster runs 1.34, and EKS upgrades one minor version at a time",
    ]);
    expect(choose({ pinned: "1.36", existing: "1.35" })).toMatchObject({ version: "1.36", problems: [] });
  });

  it("leaves a running cluster alone, where STANDARD has EKS upgrade it, with a warning", () => {
    const choice = choose({ existing: "1.34" });
    expect(choice.problems).toEqual([]);
    expect(choice.warnings).toEqual([expect.stringMatching(/the cluster runs 1\.34, out of standard support on 2026-12-02; with the STANDARD support policy EKS upgrades it/)]);
  });
});
