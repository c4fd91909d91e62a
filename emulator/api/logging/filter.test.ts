// The Logging filter subset: precedence, operators, field kinds, rejection.
import { describe, expect, it } from "vitest";
import { matches, parseFilter } from "./filter";
import { containerEntry } from "../../telemetry/ingest";

const entry = (over: Record<string, unknown> = {}) => ({
  logName: "projects/p/logs/run.googleapis.com%2Frequests",
  resource: {
    type: "cloud_run_revision",
    labels: { service_name: "api", revision_name: "api-00002-abc", location: "us-central1" },
  },
  timestamp: "2026-11-23T10:00:00.000Z",
  severity: "WARNING",
  insertId: "x1",
  labels: { instanceId: "inst-1", "k8s-pod/app": "web" },
  httpRequest: { requestMethod: "GET", requestUrl: "http://api.localhost/items?id=7", status: 404, latency: "0.25s" },
  jsonPayload: { message: "Connection refused by upstream", ctx: { user: "ada", n: 3 } },
  ...over,
});
const m = (f: string, e = entry()) => matches(parseFilter(f), e);

describe("logging filter", () => {
  it("compares severity by enum order, with RHS disjunctions", () => {
    expect(m("severity >= WARNING")).toBe(true);
    expect(m("severity > WARNING")).toBe(false);
    expect(m("severity < error")).toBe(true);
    expect(m("severity = (ERROR OR WARNING)")).toBe(true);
    expect(m("severity = (ERROR OR CRITICAL)")).toBe(false);
  });

  it("binds NOT tightest, then OR, then AND (Google's order)", () => {
    // a OR NOT b AND NOT c OR d ≡ (a OR NOT b) AND (NOT c OR d)
    const f = "severity=ERROR OR NOT httpRequest.status=404 AND NOT labels.instanceId=inst-1 OR insertId=x1";
    expect(m(f)).toBe(false); // (false OR false) AND ...
    expect(m("severity=WARNING OR severity=ERROR AND insertId=x1")).toBe(true);
    expect(m("severity=ERROR OR severity=DEBUG AND insertId=x1")).toBe(false);
    expect(m("-severity=ERROR")).toBe(true);
    expect(m("NOT (severity=WARNING insertId=x1)")).toBe(false);
  });

  it("handles numbers, timestamps, nested and quoted paths, presence, regex, substring and global text", () => {
    expect(m("httpRequest.status >= 400 httpRequest.status < 500")).toBe(true);
    expect(m("http_request.status = 404")).toBe(true);
    expect(m('timestamp >= "2026-11-23T09:59:59Z" AND timestamp < "2026-11-23T10:00:01Z"')).toBe(true);
    expect(m('timestamp > "2026-11-23T10:00:00Z"')).toBe(false);
    expect(m("jsonPayload.ctx.user = ADA")).toBe(true);
    expect(m("jsonPayload.ctx.n > 2")).toBe(true);
    expect(m('labels."k8s-pod/app" = web')).toBe(true);
    expect(m("jsonPayload.ctx:*")).toBe(true);
    expect(m("textPayload:*")).toBe(false);
    expect(m("textPayload != foo")).toBe(false); // missing field: false, != included
    expect(m('httpRequest.requestUrl =~ "items\\\\?id=\\\\d+$"')).toBe(true);
    expect(m('httpRequest.requestUrl !~ "^https"')).toBe(true);
    expect(m("resource.labels.service_name:ap")).toBe(true);
    expect(m('"connection refused"')).toBe(true);
    expect(m("upstream inst-1")).toBe(true);
    expect(m("nowhere")).toBe(false);
    expect(m('logName:"run.googleapis.com%2Frequests"')).toBe(true);
    expect(m("")).toBe(true);
  });

  it("rejects what it does not support with a position", () => {
    for (const [f, msg] of [
      ["severity >= LOUD", /unknown severity 'LOUD' at position 1/],
      ["severity = ERROR AND", /expression expected/],
      ["(severity = ERROR", /'\)' expected/],
      ['textPayload = "open', /unterminated string/],
      ["sample(insertId, 0.1)", /unsupported function sample\(\) at position 1/],
      ["bogus.field = 1", /unknown field 'bogus.field'/],
      ['timestamp > "yesterday"', /not an RFC 3339 timestamp/],
      ['textPayload =~ "("', /invalid regular expression/],
      ["severity = ERROR )", /unexpected '\)' at position 18/],
    ] as const) {
      expect(() => parseFilter(f), f).toThrow(msg);
    }
  });

  it("lifts the special keys of a JSON line the way Cloud Logging does", () => {
    const line = JSON.stringify({
      severity: "error",
      message: "boom",
      time: "2026-11-23T08:00:00.5Z",
      user: "ada",
      "logging.googleapis.com/trace": "projects/p/traces/abc",
      "logging.googleapis.com/labels": { team: "core" },
      httpRequest: { status: 502 },
    });
    const base = {
      time: new Date(),
      project: "p",
      region: "us-central1",
      service: "api",
      revision: "api-1",
      instanceId: "i1",
    };
    const e = containerEntry({ ...base, type: "log", stream: "stdout", line });
    expect(e).toMatchObject({
      severity: "ERROR",
      timestamp: "2026-11-23T08:00:00.500Z",
      trace: "projects/p/traces/abc",
      labels: { team: "core", instanceId: "i1" },
      httpRequest: { status: 502 },
    });
    expect(e.jsonPayload).toEqual({ message: "boom", user: "ada" });
    expect(e.logName).toBe("projects/p/logs/run.googleapis.com%2Fstdout");
    const t = containerEntry({ ...base, type: "log", stream: "stderr", line: "plain {not json" });
    expect(t).toMatchObject({ severity: "DEFAULT", textPayload: "plain {not json" });
    expect(t.jsonPayload).toBeUndefined();
  });
});
