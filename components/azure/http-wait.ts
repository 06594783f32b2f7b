/**
 * Asking an Azure endpoint the same question until the answer is the one awaited: what the waits on
 * role and firewall propagation share. Small and dependency-free, since the dynamic resources that use it
 * run inside the Pulumi engine's plugin host.
 */

export type Fetch = (url: string, init?: { headers?: Record<string, string> }) => Promise<{ status: number; text(): Promise<string> }>;

export interface WaitTiming {
  /** Seconds between tries. @default 10 */
  intervalSeconds?: number;
  /** Seconds before giving up. @default 900 */
  timeoutSeconds?: number;
  /** Waits between tries; tests pass one that does not. */
  sleep?: (ms: number) => Promise<void>;
}

export interface HttpWait {
  url: string;
  headers?: Record<string, string>;
  /** The statuses that end the wait. */
  done: readonly number[];
  /** The statuses that mean "not yet"; network errors always do. Any other status ends the wait at once, as a failure. */
  retry: readonly number[];
}

/** Resolves with the number of tries once an answer is in `done`; rejects with the last answer otherwise. */
export async function waitForAnswer(wait: HttpWait, http: Fetch = fetch, timing: WaitTiming = {}): Promise<{ attempts: number }> {
  const interval = (timing.intervalSeconds ?? 10) * 1000;
  const deadline = (timing.timeoutSeconds ?? 900) * 1000;
  const sleep = timing.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let last = "no answer";
  for (let attempt = 1, waited = 0; ; attempt++, waited += interval) {
    try {
      const response = await http(wait.url, { headers: wait.headers });
      if (wait.done.includes(response.status)) return { attempts: attempt };
      last = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
      if (!wait.retry.includes(response.status)) break;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
    }
    if (waited + interval > deadline) break;
    await sleep(interval);
  }
  throw new Error(`last answer: ${last}`);
}
