import { readFileSync } from "node:fs";

/**
 * Whether a `/proc/<pid>/stat` line says the process is in its terminal's foreground process group,
 * the group a Ctrl-C is sent to: it has a controlling terminal (tty_nr not 0) whose foreground group
 * (tpgid) is its own (pgrp). The command name, in parentheses, may hold spaces and parentheses itself,
 * so the fields are counted from the last ")". Undefined for a line that is not one.
 */
export function foregroundOfStat(stat: string): boolean | undefined {
  const end = stat.lastIndexOf(")");
  if (end < 0) return undefined;
  const fields = stat.slice(end + 1).trim().split(/\s+/);
  const [pgrp, ttyNr, tpgid] = [fields[2], fields[4], fields[5]].map(Number);
  if (![pgrp, ttyNr, tpgid].every(Number.isInteger)) return undefined;
  return ttyNr !== 0 && tpgid === pgrp;
}

/**
 * Whether a Ctrl-C would reach this process through its process group, and so every child it runs in
 * that group. Linux says so in /proc; elsewhere, a terminal on any of the standard streams stands in.
 */
export function inTerminalForeground(): boolean {
  try {
    const foreground = foregroundOfStat(readFileSync("/proc/self/stat", "utf8"));
    if (foreground !== undefined) return foreground;
  } catch {
    // No /proc (macOS, Windows): fall through.
  }
  return [process.stdin, process.stdout, process.stderr].some((s) => s.isTTY === true);
}
