/** Structured logs: one JSON object per line on stdout, the shape log collectors index without parsing rules. */

export const logLevels = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof logLevels)[number];

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** True when `debug` lines are written, so hot paths can skip building their fields. */
  readonly debugEnabled: boolean;
  child(fields: LogFields): Logger;
}

type Sink = (line: string) => void;

const writeStdout: Sink = (line) => {
  process.stdout.write(line);
};

/** Errors do not serialise to JSON on their own; keep what an operator needs to act on. */
function toJsonValue(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    return { name: value.name, message: value.message };
  }
  return value;
}

export function createLogger(level: LogLevel, base: LogFields = {}, sink: Sink = writeStdout): Logger {
  const threshold = logLevels.indexOf(level);
  const write = (at: LogLevel, msg: string, fields?: LogFields): void => {
    if (logLevels.indexOf(at) < threshold) return;
    const entry = { time: new Date().toISOString(), level: at, msg, ...base, ...fields };
    sink(`${JSON.stringify(entry, toJsonValue)}\n`);
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
    debugEnabled: threshold === 0,
    child: (fields) => createLogger(level, { ...base, ...fields }, sink),
  };
}
