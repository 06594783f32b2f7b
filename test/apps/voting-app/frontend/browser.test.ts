/** A user in a real (headless) Chromium votes with the buttons and reads the results line. */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { RedisServer } from "../../../support/redis-server.js";
import { type RunningFrontEnd, runFrontEnd } from "./support.js";

const chromiumPath = "/usr/bin/chromium";
const screenshot = "out/screenshots/vote-front.png";

let redis: RedisServer;
let frontEnd: RunningFrontEnd;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(chromiumPath)) {
    throw new Error(`${chromiumPath} is missing: run \`npm run setup:test\` to install the test dependencies`);
  }
  redis = await RedisServer.start();
  frontEnd = await runFrontEnd({ REDIS: redis.address });
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  await frontEnd?.shutdown();
  await redis?.dispose();
});

it("counts clicks on the choice buttons and Reset sets both back to zero", async () => {
  const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
  const cspViolations: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") cspViolations.push(message.text());
  });
  await page.goto(`${frontEnd.url}/`);
  await expect.poll(() => page.title()).toBe("Azure Voting App");
  const results = page.locator("#results");
  expect(await results.innerText()).toBe("Cats - 0 | Dogs - 0");

  const click = async (label: string, expected: string): Promise<void> => {
    await page.getByRole("button", { name: label, exact: true }).click();
    await page.waitForLoadState();
    await expect.poll(() => results.innerText()).toBe(expected);
  };
  await click("Cats", "Cats - 1 | Dogs - 0");
  await click("Cats", "Cats - 2 | Dogs - 0");
  await click("Cats", "Cats - 3 | Dogs - 0");
  await click("Dogs", "Cats - 3 | Dogs - 1");

  await mkdir("out/screenshots", { recursive: true });
  await page.screenshot({ path: screenshot, fullPage: true });

  // The stylesheet is allowed by its hash in the Content-Security-Policy: the buttons are styled.
  // A string, evaluated in the page: this project compiles without the DOM library.
  const border = await page.evaluate(`getComputedStyle(document.querySelector("button[value=reset]")).borderTopColor`);
  expect(border).toBe("rgb(244, 67, 54)");
  expect(cspViolations).toEqual([]);

  await click("Reset", "Cats - 0 | Dogs - 0");
  await page.close();
});
