/**
 * A stack's output as whole lines under its name. The CLI's output arrives in chunks that may end or
 * begin mid-line, and the members print at once, so a line is written only once it is complete (and
 * what is left, at the end).
 */
export function prefixedLines(stack: string, write: (text: string) => void): { push: (chunk: string) => void; end: () => void } {
  let pending = "";
  return {
    push(chunk) {
      const parts = (pending + chunk).split("\n");
      pending = parts.pop() ?? "";
      if (parts.length > 0) write(parts.map((line) => `[${stack}] ${line}\n`).join(""));
    },
    end() {
      if (pending.length > 0) write(`[${stack}] ${pending}\n`);
      pending = "";
    },
  };
}
