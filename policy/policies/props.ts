/** Reading resource inputs as the policy engine hands them over: plain objects, possibly behind a proxy. */
export type Props = Record<string, unknown>;

export const record = (value: unknown): Props => (typeof value === "object" && value !== null ? (value as Props) : {});
export const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
export const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
