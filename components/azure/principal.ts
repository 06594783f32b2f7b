/** What kind of Entra ID principal a role assignment names, as ARM's `principalType` takes it. */
export type PrincipalType = "User" | "ServicePrincipal";

/**
 * The kind of principal an access token was issued to: a user signed in to a client (`az login`) gets a
 * delegated token, which carries the `scp` claim with the scopes it was granted; a service principal or
 * managed identity signing in as itself gets an app-only token, which never does.
 *
 * A role assignment for the identity running `pulumi up` needs it: azure-native sends
 * `principalType: "User"` when none is given, and ARM refuses an assignment whose type does not match
 * the principal's (`UnmatchedPrincipalType`), as every CI run with a service principal would meet.
 */
export function principalTypeOfToken(accessToken: string): PrincipalType {
  const payload = accessToken.split(".")[1];
  let claims: Record<string, unknown> | undefined;
  try {
    claims = payload ? (JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>) : undefined;
  } catch {
    claims = undefined;
  }
  if (!claims || typeof claims !== "object") {
    throw new Error("the ARM access token of the identity running pulumi up is not a JWT; cannot tell whether it is a user or a service principal");
  }
  return typeof claims.scp === "string" ? "User" : "ServicePrincipal";
}
