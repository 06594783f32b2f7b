/**
 * Reading the guides in docs/ the way the doc tests need them: prose apart from fenced code, inline code
 * spans, links, heading anchors as GitHub makes them, and the marked table of the offline plan's figures.
 */

/** A fenced code block: its info string (`sh`, `yaml`) and its lines, without the fence's indentation. */
export interface Fence {
  info: string;
  body: string;
}

/** A document split into the prose outside fenced code blocks and the blocks themselves. */
export interface SplitDocument {
  prose: string;
  fences: Fence[];
}

export function splitFences(text: string): SplitDocument {
  const prose: string[] = [];
  const fences: Fence[] = [];
  let open: { indent: number; marker: string; info: string; lines: string[] } | undefined;
  for (const line of text.split("\n")) {
    const fence = /^( *)(`{3,}|~{3,})(.*)$/.exec(line);
    if (open) {
      const closes = fence !== null && (fence[2] ?? "").startsWith(open.marker) && (fence[3] ?? "").trim() === "";
      if (closes) {
        fences.push({ info: open.info, body: open.lines.join("\n") });
        open = undefined;
      } else {
        open.lines.push(line.slice(Math.min(open.indent, line.length - line.trimStart().length)));
      }
    } else if (fence) {
      open = { indent: (fence[1] ?? "").length, marker: fence[2] ?? "```", info: (fence[3] ?? "").trim(), lines: [] };
    } else {
      prose.push(line);
    }
  }
  if (open) throw new Error(`a fenced code block opened with ${open.marker}${open.info} is never closed`);
  return { prose: prose.join("\n"), fences };
}

/** The inline code spans of some prose, with line breaks inside a span read as spaces, as Markdown does. */
export function inlineCode(prose: string): string[] {
  return [...prose.matchAll(/`([^`]+)`/g)].map((match) => (match[1] ?? "").replace(/\s*\n\s*/g, " ").trim());
}

/** Every piece of code a reader may type: the fenced blocks and the inline spans. */
export function codeText(doc: SplitDocument): string[] {
  return [...doc.fences.map((f) => f.body), ...inlineCode(doc.prose)];
}

/** A fenced block with its shell comments taken out: what runs, whatever language the comments are in. */
export function withoutComments(fence: Fence): string {
  return fence.body
    .split("\n")
    .filter((line) => !/^\s*#/.test(line))
    .map((line) => line.replace(/\s+#\s.*$/, "").trimEnd())
    .filter((line) => line !== "")
    .join("\n");
}

/** The anchor GitHub gives a heading: lowercased, punctuation dropped, spaces as hyphens. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a document's headings, a repeated heading numbered as GitHub numbers it (`-1`, `-2`). */
export function headingAnchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of splitFences(text).prose.split("\n")) {
    const heading = /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)?.[1];
    if (heading === undefined) continue;
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The targets of the Markdown links in some prose, `[text](target)`. */
export function linkTargets(prose: string): string[] {
  return [...prose.matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1] ?? "");
}

/** One stack's row of the figures table: the cells after the stack's name, in the table's order. */
export interface FiguresRow {
  up: string;
  destroy: string;
  hourly: string;
  workshop: string;
}

/**
 * The table that follows the `<!-- plan-figures` comment: a row per stack, named in its first cell, with
 * the time of `pulumi up`, the time of `pulumi destroy`, the cost of an hour and of a 4-hour workshop.
 */
export function figuresTable(text: string): Map<string, FiguresRow> {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line.includes("<!-- plan-figures"));
  if (start < 0) throw new Error("no <!-- plan-figures --> comment before the table of figures");
  const rows = new Map<string, FiguresRow>();
  for (const line of lines.slice(start + 1)) {
    if (!line.trimStart().startsWith("|")) break;
    const cells = line.split("|").slice(1, -1).map((cell) => cell.trim());
    const stack = /^`([a-z][a-z0-9-]*)`$/.exec(cells[0] ?? "")?.[1];
    if (stack === undefined) continue;
    const [up = "", destroy = "", hourly = "", workshop = ""] = cells.slice(1);
    rows.set(stack, { up, destroy, hourly, workshop });
  }
  return rows;
}

/** Seconds of a duration as the guides write it: `6 min 58 s` in English, `6분 58초` in Korean. */
export function durationSeconds(text: string): number | undefined {
  const match = /(\d+)\s*(?:min|분)\s*(\d+)\s*(?:s|초)/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

/** The dollar amount in a cell, as written (`0.52` for `$0.52`). */
export function dollars(text: string): string | undefined {
  return /\$(\d+\.\d\d)\b/.exec(text)?.[1];
}
