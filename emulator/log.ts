// The emulator's own log: one JSON line per notable event, in the shape Cloud
// Logging reads (severity, message, time, plus fields). Quiet unless a sink is
// given. Callers pass names and codes, never secret values.

export type Severity = "DEBUG" | "INFO" | "NOTICE" | "WARNING" | "ERROR";

const RANK: Record<Severity, number> = { DEBUG: 100, INFO: 200, NOTICE: 300, WARNING: 400, ERROR: 500 };

export type Logger = {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
};

export function createLogger(sink?: (line: string) => void, minimum: Severity = "DEBUG"): Logger {
  const write = (severity: Severity, message: string, fields?: Record<string, unknown>) => {
    if (!sink || RANK[severity] < RANK[minimum]) return;
    sink(JSON.stringify({ severity, message, time: new Date().toISOString(), ...fields }));
  };
  return {
    debug: (m, f) => write("DEBUG", m, f),
    info: (m, f) => write("INFO", m, f),
    warn: (m, f) => write("WARNING", m, f),
    error: (m, f) => write("ERROR", m, f),
  };
}

export function parseSeverity(value: string | undefined, fallback: Severity): Severity {
  const v = (value ?? "").toUpperCase();
  if (v === "WARN") return "WARNING";
  return v in RANK ? (v as Severity) : fallback;
}
