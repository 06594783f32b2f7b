import { describe, expect, it } from "vitest";
import { adminPrincipalProblems } from "../../../components/aws/preflight.js";

const deployer = "arn:aws:iam::210987654321:role/platform-deployer";
const team = "arn:aws:iam::210987654321:role/platform-admins";

describe("the cluster's admins, given who runs pulumi up", () => {
  it("must not list the deployer where EKS makes it admin itself: a second access entry fails with ResourceInUseException", () => {
    expect(adminPrincipalProblems({ adminPrincipalArns: [team], bootstrapCreatorAdmin: true, deployerArn: deployer })).toEqual([]);
    expect(adminPrincipalProblems({ adminPrincipalArns: [team, deployer], bootstrapCreatorAdmin: true, deployerArn: deployer })).toEqual([
      expect.stringMatching(/^principals other than the identity running pulumi up; arn:aws:iam::210987654321:role\/platform-deployer is that identity.*ResourceInUseException/),
    ]);
  });

  it("must list the deployer where EKS does not, or pulumi up could not reach the cluster it creates", () => {
    expect(adminPrincipalProblems({ adminPrincipalArns: [team, deployer], bootstrapCreatorAdmin: false, deployerArn: deployer })).toEqual([]);
    expect(adminPrincipalProblems({ adminPrincipalArns: [team], bootstrapCreatorAdmin: false, deployerArn: deployer })).toEqual([
      expect.stringMatching(/^the role pulumi up runs as, arn:aws:iam::210987654321:role\/platform-deployer, among the admins/),
    ]);
  });

  it("must name a role with a path by its full ARN, which is the only form EKS accepts", () => {
    const sso = "arn:aws:iam::210987654321:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef";
    const withoutPath = "arn:aws:iam::210987654321:role/AWSReservedSSO_Admin_0123456789abcdef";
    expect(adminPrincipalProblems({ adminPrincipalArns: [withoutPath], bootstrapCreatorAdmin: false, deployerArn: sso })).toEqual([
      expect.stringMatching(/^arn:aws:iam::210987654321:role\/aws-reserved\/sso\.amazonaws\.com\/eu-west-1\/AWSReservedSSO_Admin_0123456789abcdef exactly/),
    ]);
    // The same role under either form is the creator EKS already made admin.
    expect(adminPrincipalProblems({ adminPrincipalArns: [withoutPath], bootstrapCreatorAdmin: true, deployerArn: sso })).toHaveLength(1);
  });
});
