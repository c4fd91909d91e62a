// Structured logs: one JSON line per event, in the shape Cloud Logging reads
// (severity, message, and fields that land in jsonPayload). Values under keys
// that look secret are replaced before anything is written.
import { redact } from "./redact";

type Severity = "DEBUG" | "INFO" | "WARNING" | "ERROR";
const order: Record<Severity, number> = { DEBUG: 100, INFO: 200, WARNING: 400, ERROR: 500 };

// Read once at start-up, like the rest of the configuration (LOG_LEVEL is
// validated in lib/config.ts; the logger must work before that has run).
const threshold = order[(process.env.LOG_LEVEL ?? "info").toUpperCase() as Severity] ?? order.INFO;

function write(severity: Severity, message: string, fields: Record<string, unknown> = {}) {
  if (order[severity] < threshold) return;
  const line = JSON.stringify({ severity, message, time: new Date().toISOString(), ...(redact(fields) as object) });
  (severity === "ERROR" ? process.stderr : process.stdout).write(line + "\n");
}

export const log = {
  debug: (message: string, fields?: Record<string, unknown>) => write("DEBUG", message, fields),
  info: (message: string, fields?: Record<string, unknown>) => write("INFO", message, fields),
  warn: (message: string, fields?: Record<string, unknown>) => write("WARNING", message, fields),
  error: (message: string, fields?: Record<string, unknown>) => write("ERROR", message, fields),
};
