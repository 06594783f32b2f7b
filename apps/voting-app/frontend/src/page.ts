/**
 * The vote page, laid out like the Flask sample's (title header, two big choice buttons, Reset, results
 * line) and pre-rendered once at startup: a response only splices the two counts into fixed text.
 */
import { createHash } from "node:crypto";
import { escapeHtml } from "./html.js";

export type Counts = readonly [string, string];

/** Inline, so a page view is one request; the Content-Security-Policy allows exactly this stylesheet. */
const css = `
body { background-color: #f8f8f8; margin: 0; font-family: Helvetica, Arial, sans-serif; }
#container { margin-top: 5%; }
#logo { margin: 0 auto; max-width: 500px; text-align: right; font-size: 30px; padding: 0 8px; }
.space { height: 10px; }
#form { margin: 0 auto; max-width: 500px; padding: 20px; text-align: center; font-size: 30px;
  border-top: 1px solid black; border-bottom: 1px solid black; }
#results { margin: 0 auto; max-width: 500px; text-align: center; font-size: 30px; }
.message { margin: 0 auto; max-width: 500px; text-align: center; font-size: 20px; }
.button { background-color: white; color: black; padding: 16px 32px; margin: 4px 2px; width: 250px;
  max-width: 100%; font-size: 16px; cursor: pointer; transition-duration: 0.4s; }
.button1 { border: 2px solid #008cba; }
.button1:hover { background-color: #008cba; color: white; }
.button2 { border: 2px solid #555555; }
.button2:hover { background-color: #555555; color: white; }
.button3 { border: 2px solid #f44336; }
.button3:hover { background-color: #f44336; color: white; }
`;

const cssHash = createHash("sha256").update(css).digest("base64");

/** No scripts at all; the form may only post back here; no framing (clickjacking a vote button). */
export const contentSecurityPolicy =
  `default-src 'none'; style-src 'sha256-${cssHash}'; img-src data:; ` +
  `form-action 'self'; frame-ancestors 'none'; base-uri 'none'`;

function document(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${title}</title>
<style>${css}</style>
</head>
<body>
<div id="container">
<div id="logo">${title}</div>
<div class="space"></div>
${body}
</div>
</body>
</html>
`;
}

const countSlot = "\u0000count\u0000";

export interface Pages {
  /** The vote page with the given counts, as returned for GET / and after a vote. */
  votePage(counts: Counts): string;
  /** Shown with 503 while Redis cannot be reached. */
  readonly unavailable: string;
  /** Shown with 400 when a POST names no known choice. */
  readonly badVote: string;
}

export function createPages(rawTitle: string, rawChoices: readonly [string, string], resetValue: string, servedBy?: string): Pages {
  const title = escapeHtml(rawTitle);
  const choice1 = escapeHtml(rawChoices[0]);
  const choice2 = escapeHtml(rawChoices[1]);
  const votePage = document(
    title,
    `<form id="ballot" action="/" method="post">
<div id="form">
<button name="vote" value="${choice1}" class="button button1">${choice1}</button>
<button name="vote" value="${choice2}" class="button button2">${choice2}</button>
<button name="vote" value="${escapeHtml(resetValue)}" class="button button3">Reset</button>
<div class="space"></div>
<div class="space"></div>
<div id="results">${choice1} - ${countSlot} | ${choice2} - ${countSlot}</div>
</div>
</form>${servedBy === undefined ? "" : `
<p id="served-by" class="message">Served by ${escapeHtml(servedBy)}. Each cluster counts its own votes, so another cluster shows other counts.</p>`}`,
  );
  const [head = "", middle = "", tail = ""] = votePage.split(countSlot);

  const message = (text: string): string =>
    document(title, `<div id="form"><p class="message">${text}</p><p class="message"><a href="/">Back to voting</a></p></div>`);

  return {
    votePage: ([count1, count2]) => head + showCount(count1) + middle + showCount(count2) + tail,
    unavailable: message("Voting is unavailable right now: the vote store cannot be reached. Please try again in a moment."),
    badVote: message(`Unknown vote. Choose ${choice1} or ${choice2}.`),
  };
}

/** Counts come from Redis, which another writer shares, so anything but digits is escaped. */
function showCount(count: string): string {
  return /^\d+$/.test(count) ? count : escapeHtml(count);
}
