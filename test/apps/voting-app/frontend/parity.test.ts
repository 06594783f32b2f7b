/** The front end does what the Flask sample does, against a real redis-server. */
import { hostname } from "node:os";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { RedisServer } from "../../../support/redis-server.js";
import { type RunningFrontEnd, postVote, readPage, redisClientFor, request, runFrontEnd } from "./support.js";

let redis: RedisServer;
const running: RunningFrontEnd[] = [];

beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis?.dispose();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((frontEnd) => frontEnd.shutdown()));
  const client = await redisClientFor(redis);
  await client.flushAll();
  await client.close();
});

async function start(env: Record<string, string> = {}): Promise<RunningFrontEnd> {
  const frontEnd = await runFrontEnd({ REDIS: redis.address, ...env });
  running.push(frontEnd);
  return frontEnd;
}

describe("the vote page", () => {
  it("has the title in <title> and the header, one POST form to /, both choices, Reset and the results", async () => {
    const { url } = await start();
    const res = await request(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    const page = readPage(res.body);
    expect(page.title).toBe("Azure Voting App");
    expect(page.header).toBe("Azure Voting App");
    expect(page.forms).toEqual([{ method: "post", action: "/" }]);
    expect(page.buttons).toEqual([
      { name: "vote", value: "Cats", label: "Cats" },
      { name: "vote", value: "Dogs", label: "Dogs" },
      { name: "vote", value: "reset", label: "Reset" },
    ]);
    expect(page.results).toBe("Cats - 0 | Dogs - 0");
  });

  it("uses TITLE, VOTE1VALUE and VOTE2VALUE, HTML-escaped", async () => {
    const { url } = await start({ TITLE: "<script>alert(1)</script> & co", VOTE1VALUE: 'Tea "hot"', VOTE2VALUE: "Coffee's <b>" });
    const res = await request(`${url}/`);
    expect(res.body).not.toContain("<script>");
    expect(res.body).not.toContain("<b>");
    const page = readPage(res.body);
    expect(page.title).toBe("<script>alert(1)</script> & co");
    expect(page.header).toBe("<script>alert(1)</script> & co");
    expect(page.buttons.map((button) => button.value)).toEqual(['Tea "hot"', "Coffee's <b>", "reset"]);
    expect(page.results).toBe(`Tea "hot" - 0 | Coffee's <b> - 0`);
  });

  it("shows the host name as the title when SHOWHOST is true, like the sample", async () => {
    const { url } = await start({ SHOWHOST: "true", TITLE: "Ignored" });
    const page = readPage((await request(`${url}/`)).body);
    expect(page.title).toBe(hostname());
    expect(page.header).toBe(hostname());
  });

  it("reads the counts fresh from Redis on every response", async () => {
    const { url } = await start();
    const client = await redisClientFor(redis);
    await client.mSet([["Cats", "41"], ["Dogs", "7"]]);
    expect(readPage((await request(`${url}/`)).body).results).toBe("Cats - 41 | Dogs - 7");
    await client.set("Dogs", "8");
    expect(readPage((await request(`${url}/`)).body).results).toBe("Cats - 41 | Dogs - 8");
    await client.close();
  });

  it("answers HEAD / with the headers and no body", async () => {
    const { url } = await start();
    const res = await request(`${url}/`, { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(Number(res.headers["content-length"])).toBeGreaterThan(500);
    expect(res.body).toBe("");
  });
});

describe("voting", () => {
  it("counts each vote, shows the new counts in the response, and Reset sets both to zero", async () => {
    const { url } = await start();
    for (let i = 0; i < 3; i += 1) await postVote(`${url}/`, "Cats");
    const res = await postVote(`${url}/`, "Dogs");
    expect(res.status).toBe(200);
    expect(readPage(res.body).results).toBe("Cats - 3 | Dogs - 1");
    expect(readPage((await request(`${url}/`)).body).results).toBe("Cats - 3 | Dogs - 1");

    const reset = await postVote(`${url}/`, "reset");
    expect(reset.status).toBe(200);
    expect(readPage(reset.body).results).toBe("Cats - 0 | Dogs - 0");
    expect(readPage((await request(`${url}/`)).body).results).toBe("Cats - 0 | Dogs - 0");
  });

  it("keys the counts by the choice label, as the sample does, so both front ends can share one Redis", async () => {
    const { url } = await start({ VOTE1VALUE: "Fish", VOTE2VALUE: "Big Dogs" });
    const client = await redisClientFor(redis);
    // The sample created the keys at 0 and counted some votes.
    await client.mSet([["Fish", "10"], ["Big Dogs", "20"]]);
    await postVote(`${url}/`, "Fish");
    await postVote(`${url}/`, "Big Dogs");
    expect(await client.mGet(["Fish", "Big Dogs"])).toEqual(["11", "21"]);
    // A vote the sample counts (INCR on the label) shows here.
    await client.incr("Fish");
    expect(readPage((await request(`${url}/`)).body).results).toBe("Fish - 12 | Big Dogs - 21");
    await postVote(`${url}/`, "reset");
    expect(await client.mGet(["Fish", "Big Dogs"])).toEqual(["0", "0"]);
    await client.close();
  });

  it("starts missing counts at 0 and creates the keys, as the sample does at startup", async () => {
    const { url } = await start();
    const client = await redisClientFor(redis);
    // The keys are created on connect; the sample reads them with GET and would fail on a missing one.
    await expect.poll(() => client.mGet(["Cats", "Dogs"])).toEqual(["0", "0"]);
    await client.del("Cats");
    expect(readPage((await request(`${url}/`)).body).results).toBe("Cats - 0 | Dogs - 0");
    expect(readPage((await postVote(`${url}/`, "Cats")).body).results).toBe("Cats - 1 | Dogs - 0");
    await client.close();
  });

  it("never overwrites existing counts when it connects", async () => {
    const client = await redisClientFor(redis);
    await client.mSet([["Cats", "5"], ["Dogs", "6"]]);
    const { url } = await start();
    expect(readPage((await request(`${url}/`)).body).results).toBe("Cats - 5 | Dogs - 6");
    await client.close();
  });
});

describe("configuration of the Redis connection", () => {
  it("accepts REDIS as a host name with a port", async () => {
    const { url } = await start({ REDIS: `localhost:${redis.port}` });
    expect(readPage((await postVote(`${url}/`, "Dogs")).body).results).toBe("Cats - 0 | Dogs - 1");
  });
});
