import { describe, expect, it } from "vitest";
import { loadBalancerUrl } from "../../apps/voting-app/exposure.js";
import { memberRecordType } from "../../components/aws/route53-entry.js";
import { hostOfUrl } from "../../src/fleet/members.js";

describe("what the global entry points a member's own name at", () => {
  it("takes the load balancer's host name, IPv4 or IPv6 address from the app's URL, each as its record type", () => {
    const cases = [
      [{ hostname: "k8s-vote-1234567890.ap-northeast-1.elb.amazonaws.com" }, "k8s-vote-1234567890.ap-northeast-1.elb.amazonaws.com", "CNAME"],
      [{ ip: "20.50.100.10" }, "20.50.100.10", "A"],
      [{ ip: "2001:db8::10" }, "2001:db8::10", "AAAA"],
    ] as const;
    for (const [ingress, host, type] of cases) {
      const found = hostOfUrl(loadBalancerUrl({ ingress: [ingress] }));
      expect(found).toBe(host);
      expect(memberRecordType(found)).toBe(type);
    }
  });
});
