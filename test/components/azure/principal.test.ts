import { describe, expect, it } from "vitest";
import { principalTypeOfToken } from "../../../components/azure/principal.js";

const jwt = (claims: object) => ["{}", JSON.stringify(claims), "sig"].map((part) => Buffer.from(part).toString("base64url")).join(".");

describe("the kind of principal pulumi up runs as", () => {
  it("is a user for a delegated token, as az login gets one", () => {
    expect(principalTypeOfToken(jwt({ aud: "https://management.azure.com/", oid: "o", scp: "user_impersonation", idtyp: "user" }))).toBe("User");
  });

  it("is a service principal for an app-only token: a client secret, OIDC federation or a managed identity", () => {
    expect(principalTypeOfToken(jwt({ aud: "https://management.azure.com/", oid: "o", idtyp: "app" }))).toBe("ServicePrincipal");
    expect(principalTypeOfToken(jwt({ aud: "https://management.azure.com/", oid: "o", xms_mirid: "/subscriptions/s/.../userAssignedIdentities/ci" }))).toBe("ServicePrincipal");
  });

  it("fails clearly on a token it cannot read, rather than guess", () => {
    expect(() => principalTypeOfToken("not-a-jwt")).toThrow(/not a JWT/);
    expect(() => principalTypeOfToken("a.bm90IGpzb24.c")).toThrow(/not a JWT/);
  });
});
