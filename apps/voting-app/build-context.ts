import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from "node:fs";
import path from "node:path";

/**
 * The content tag of an image: what it is built from, hashed the way the build sees it. A tag must
 * change whenever `@pulumi/docker-build` would rebuild, or the new image is pushed under a tag that
 * already exists, which an immutable repository (ECR in prod) refuses. docker-build's own hash covers
 * the Dockerfile's content and, for every file the `.dockerignore` lets into the context, its path, its
 * mode and its content; so does this one, plus the ignore file itself.
 */

/** One `.dockerignore` line, compiled: `!` lines let back in what earlier lines left out. */
interface IgnoreRule {
  regex: RegExp;
  exclusion: boolean;
}

/**
 * A `.dockerignore` pattern as Docker reads it: relative to the context's root (`dist` is the root's
 * `dist`, not every `dist`), `*` and `?` within one path segment, `**` across any number of them.
 */
function patternRegex(pattern: string): RegExp {
  let source = "";
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charAt(i);
    if (c === "*" && pattern.charAt(i + 1) === "*") {
      i++;
      if (pattern.charAt(i + 1) === "/") {
        i++;
        source += "(?:.*/)?";
      } else {
        source += ".*";
      }
    } else if (c === "*") {
      source += "[^/]*";
    } else if (c === "?") {
      source += "[^/]";
    } else if (c === "\\" && i + 1 < pattern.length) {
      i++;
      source += escapeRegex(pattern.charAt(i));
    } else if (c === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end === -1) {
        source += "\\[";
      } else {
        source += pattern.slice(i, end + 1);
        i = end;
      }
    } else {
      source += escapeRegex(c);
    }
  }
  return new RegExp(`^${source}$`);
}

function escapeRegex(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/** Reads an ignore file's rules: blank lines and comments skipped, paths cleaned and made relative. */
export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const exclusion = line.startsWith("!");
      const cleaned = path.posix.normalize((exclusion ? line.slice(1) : line).trim()).replace(/^\/+/, "").replace(/\/+$/, "");
      return { regex: patternRegex(cleaned), exclusion };
    });
}

/**
 * Whether a context path (`src/main.ts`) is left out of the build: the last rule that matches it, or
 * one of the directories above it, decides.
 */
export function isIgnored(rules: readonly IgnoreRule[], relativePath: string): boolean {
  const parents = relativePath.split("/").slice(0, -1).map((_, i, parts) => parts.slice(0, i + 1).join("/"));
  let ignored = false;
  for (const rule of rules) {
    if (rule.exclusion !== ignored) continue;
    if (rule.regex.test(relativePath) || parents.some((dir) => rule.regex.test(dir))) ignored = !rule.exclusion;
  }
  return ignored;
}

/** The ignore file the build uses: `<Dockerfile>.dockerignore` where it exists, else the context's own. */
function ignoreFile(dir: string, dockerfile: string): string | undefined {
  return [`${dockerfile}.dockerignore`, path.join(dir, ".dockerignore")].find((file) => existsSync(file));
}

/**
 * A tag derived from what the image is built from: `src-` and 12 hex digits of a SHA-256 over the
 * Dockerfile, the ignore file, and the path, mode and content of every file the build context holds.
 * The same checkout gives the same tag on every machine; any change docker-build would rebuild for
 * gives a new one.
 */
export function contentTag(dir: string, dockerfile: string = path.join(dir, "Dockerfile")): string {
  const hash = createHash("sha256");
  const ignore = ignoreFile(dir, dockerfile);
  const ignoreText = ignore ? readFileSync(ignore, "utf8") : "";
  const rules = parseDockerignore(ignoreText);
  hash.update(`dockerfile\0${readFileSync(dockerfile, "utf8")}\0`);
  hash.update(`dockerignore\0${ignoreText}\0`);
  // Without `!` rules nothing under an ignored directory can come back, so it is not walked at all.
  const canReinclude = rules.some((r) => r.exclusion);
  const walk = (relative: string) => {
    const entries = readdirSync(path.join(dir, relative), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      const ignored = isIgnored(rules, child);
      const full = path.join(dir, child);
      if (entry.isDirectory()) {
        if (!ignored || canReinclude) walk(child);
      } else if (!ignored && (entry.isFile() || entry.isSymbolicLink())) {
        hashFile(hash, child, full);
      }
    }
  };
  walk("");
  return `src-${hash.digest("hex").slice(0, 12)}`;
}

/** A file's path, mode (type and permission bits) and content; a link's target, and its content if it is a file. */
function hashFile(hash: ReturnType<typeof createHash>, relative: string, full: string): void {
  const stat = lstatSync(full);
  hash.update(`${relative}\0${stat.mode.toString(8)}\0`);
  if (stat.isSymbolicLink()) {
    const target = statSync(full, { throwIfNoEntry: false });
    hash.update(`${readlinkSync(full)}\0`);
    if (target?.isFile()) hash.update(readFileSync(full));
  } else {
    hash.update(readFileSync(full));
  }
  hash.update("\0");
}
