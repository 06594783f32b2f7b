/** Behind a fleet's global entry each cluster has its own Redis: the page says which one served it. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RedisServer } from "../../../support/redis-server.js";
import { type RunningFrontEnd, postVote, readPage, request, runFrontEnd } from "./support.js";

describe("a page served by one member of a fleet", () => {
  let seoulRedis: RedisServer;
  let tokyoRedis: RedisServer;
  let seoul: RunningFrontEnd;
  let tokyo: RunningFrontEnd;
  let single: RunningFrontEnd;

  beforeAll(async () => {
    [seoulRedis, tokyoRedis] = await Promise.all([RedisServer.start(), RedisServer.start()]);
    [seoul, tokyo, single] = await Promise.all([
      runFrontEnd({ REDIS: seoulRedis.address, SERVED_BY: "seoul (koreacentral)" }),
      runFrontEnd({ REDIS: tokyoRedis.address, SERVED_BY: "tokyo <ap-northeast-1>" }),
      runFrontEnd({ REDIS: seoulRedis.address }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([seoul?.shutdown(), tokyo?.shutdown(), single?.shutdown()]);
    await Promise.all([seoulRedis?.dispose(), tokyoRedis?.dispose()]);
  });

  it("names the member under the counts, and says the counts are that member's own", async () => {
    await postVote(`${seoul.url}/`, "Cats");
    await postVote(`${seoul.url}/`, "Cats");
    await postVote(`${tokyo.url}/`, "Dogs");
    const seoulPage = readPage((await request(`${seoul.url}/`)).body);
    const tokyoPage = readPage((await request(`${tokyo.url}/`)).body);
    expect(seoulPage.results).toBe("Cats - 2 | Dogs - 0");
    expect(seoulPage.servedBy).toBe("Served by seoul (koreacentral). Each cluster counts its own votes, so another cluster shows other counts.");
    expect(tokyoPage.results).toBe("Cats - 0 | Dogs - 1");
    expect(tokyoPage.servedBy).toMatch(/^Served by tokyo <ap-northeast-1>\./);
  });

  it("escapes the name, and shows nothing of the kind for a single cluster", async () => {
    expect((await request(`${tokyo.url}/`)).body).toContain("Served by tokyo &lt;ap-northeast-1&gt;.");
    expect(readPage((await request(`${single.url}/`)).body).servedBy).toBeUndefined();
  });
});
