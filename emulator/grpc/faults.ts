// Fault injection for the gRPC APIs: per-method latency and error codes at a
// given rate. Off by default; set by EMULATOR_FAULTS (JSON), startEmulator's
// `faults` option or the admin endpoint (PUT /_emulator/faults).
import { ApiError, parseCode } from "./errors";

export type FaultRule = {
  /** `*` (default), a method (`GetService`), `Services/GetService` or the full gRPC path. */
  method?: string;
  /** Added before the call runs. */
  latencyMs?: number;
  /** gRPC code (name or number) to fail with. */
  code?: string | number;
  /** Fraction of matching calls the rule applies to (default 1). */
  rate?: number;
  /** Applies to this many matching calls, then no more (default: every one): "fail once". */
  times?: number;
  message?: string;
};

function normalise(raw: unknown): FaultRule {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new Error("a fault rule must be an object");
  const r = raw as Record<string, unknown>;
  const allowed = new Set(["method", "latencyMs", "code", "rate", "times", "message"]);
  for (const k of Object.keys(r)) if (!allowed.has(k)) throw new Error(`unknown fault rule field "${k}"`);
  if (r.method !== undefined && typeof r.method !== "string") throw new Error("method must be a string");
  if (r.latencyMs !== undefined && !(typeof r.latencyMs === "number" && r.latencyMs >= 0 && r.latencyMs <= 600_000)) {
    throw new Error("latencyMs must be a number from 0 to 600000");
  }
  if (r.rate !== undefined && !(typeof r.rate === "number" && r.rate >= 0 && r.rate <= 1))
    throw new Error("rate must be between 0 and 1");
  if (r.code !== undefined && (parseCode(r.code) === undefined || parseCode(r.code) === 0))
    throw new Error(`code ${String(r.code)} is not a gRPC error code`);
  if (r.times !== undefined && !(Number.isInteger(r.times) && (r.times as number) >= 1))
    throw new Error("times must be a whole number from 1");
  if (r.message !== undefined && typeof r.message !== "string") throw new Error("message must be a string");
  return r as FaultRule;
}

/** Accepts one rule, an array of rules, or `{rules: [...]}`. */
export function parseFaultRules(raw: unknown): FaultRule[] {
  if (raw === null || raw === undefined || raw === "") return [];
  const value = typeof raw === "string" ? JSON.parse(raw) : raw;
  const list = Array.isArray(value)
    ? value
    : value && typeof value === "object" && "rules" in value
      ? (value as { rules: unknown }).rules
      : [value];
  if (!Array.isArray(list)) throw new Error("rules must be an array");
  return list.map(normalise);
}

function matches(rule: FaultRule, path: string): boolean {
  const m = rule.method ?? "*";
  if (m === "*") return true;
  // path is "/google.cloud.run.v2.Services/GetService"
  const [, full, method] = /^\/(.+)\/([^/]+)$/.exec(path) ?? [];
  const shortService = full?.split(".").at(-1);
  return [method, `${shortService}/${method}`, `${full}/${method}`, `${full}.${method}`, path].includes(m);
}

export class Faults {
  private rules: FaultRule[] = [];
  /** How many more calls each rule with `times` applies to (same order as rules). */
  private remaining: number[] = [];

  constructor(rules: FaultRule[] = []) {
    this.set(rules);
  }

  set(rules: unknown): void {
    this.rules = parseFaultRules(rules);
    this.remaining = this.rules.map((r) => r.times ?? Infinity);
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Waits out the injected latency; returns the error to fail with, if any. */
  async apply(path: string): Promise<ApiError | null> {
    let delay = 0;
    let error: ApiError | null = null;
    for (const [i, rule] of this.rules.entries()) {
      if (!matches(rule, path) || this.remaining[i] <= 0 || Math.random() >= (rule.rate ?? 1)) continue;
      this.remaining[i] -= 1;
      delay += rule.latencyMs ?? 0;
      if (rule.code !== undefined && !error) {
        error = new ApiError(parseCode(rule.code)!, rule.message ?? `injected fault for ${path}`);
      }
    }
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    return error;
  }
}
