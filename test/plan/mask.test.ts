import { describe, expect, it } from "vitest";
import type { CapturedResource } from "../../src/plan/capture.js";
import { maskOutputs, maskResource, secretMask } from "../../src/plan/mask.js";

const resource = {
  inputs: { kubeconfig: "token", spec: { items: [{ value: "a" }, { value: "b" }] }, name: "visible" },
  outputs: { kubeconfig: "token", password: "generated", name: "visible" },
  secretInputs: ["kubeconfig", "spec.items[1].value"],
  additionalSecretOutputs: ["password"],
} as unknown as CapturedResource;

describe("secret masking", () => {
  it("masks secret inputs and outputs by path and leaves the rest", () => {
    const masked = maskResource(resource);
    expect(masked.inputs).toEqual({
      kubeconfig: secretMask,
      spec: { items: [{ value: "a" }, { value: secretMask }] },
      name: "visible",
    });
    expect(masked.outputs).toEqual({ kubeconfig: secretMask, password: secretMask, name: "visible" });
    expect(resource.inputs.kubeconfig).toBe("token");
  });

  it("masks the secrets a component registers as its outputs, such as a kubeconfig or a password", () => {
    const component = {
      ...resource,
      secretInputs: [],
      additionalSecretOutputs: [],
      registeredOutputs: { kubeconfig: "apiVersion: v1", url: "http://x", auth: { password: "p", name: "redis-auth" } },
      secretRegisteredOutputs: ["kubeconfig", "auth.password"],
    } as unknown as CapturedResource;
    expect(maskResource(component).registeredOutputs).toEqual({ kubeconfig: secretMask, url: "http://x", auth: { password: secretMask, name: "redis-auth" } });
  });

  it("masks secret stack outputs", () => {
    expect(maskOutputs({ url: { value: "http://x", secret: false }, kubeconfig: { value: "k", secret: true } })).toEqual({
      url: "http://x",
      kubeconfig: secretMask,
    });
  });
});
