// Pure pieces of the runtime: image references, weighted choice, trace headers.
import { describe, expect, it } from "vitest";
import { ImageRegistry, parseImageRef } from "./images";
import { pickRevision } from "./router";
import { cloudTraceHeader, traceFrom } from "./trace";

describe("image references", () => {
  it("take the app name from the last path segment, whatever the host, tag or digest", () => {
    expect(parseImageRef("europe-west4-docker.pkg.dev/pyplots-prod/app/pyplots-api:v7")).toMatchObject({
      name: "pyplots-api",
      tag: "v7",
    });
    expect(parseImageRef("gcr.io/p/hello")).toMatchObject({ name: "hello", tag: "latest" });
    expect(parseImageRef("localhost:5000/team/hello:1.2.3")).toMatchObject({ name: "hello", tag: "1.2.3" });
    expect(parseImageRef(`gcr.io/p/hello@sha256:${"ab".repeat(32)}`)).toMatchObject({
      name: "hello",
      tag: `sha256:${"ab".repeat(32)}`,
    });
    expect(parseImageRef("")).toBeNull();
    expect(parseImageRef("has space:1")).toBeNull();
    expect(parseImageRef("gcr.io/p/UPPER:1")).toBeNull();
  });

  it("resolve to the sample apps on disk, and unknown names to nothing", () => {
    const registry = new ImageRegistry();
    expect(registry.list()).toEqual(
      expect.arrayContaining(["pyplots-api", "elevendops", "ai-usage-analytics-pipeline", "hello"]),
    );
    expect(registry.resolve("us-central1-docker.pkg.dev/x/y/elevendops:0.9.1")?.entrypoint).toMatch(
      /emulator\/images\/elevendops\.mjs$/,
    );
    expect(registry.resolve("gcr.io/x/not-an-app:v1")).toBeNull();
  });
});

describe("pickRevision", () => {
  it("follows the percents", () => {
    const split = [
      { revision: "a", percent: 70 },
      { revision: "b", percent: 30 },
      { revision: "c", percent: 0 },
    ];
    expect(pickRevision(split, () => 0)).toBe("a");
    expect(pickRevision(split, () => 0.6999)).toBe("a");
    expect(pickRevision(split, () => 0.7)).toBe("b");
    expect(pickRevision(split, () => 0.9999)).toBe("b");
    expect(pickRevision([], () => 0.5)).toBeNull();
  });
});

describe("trace context", () => {
  it("keeps the caller's trace id and starts a new span", () => {
    const id = "4bf92f3577b34da6a3ce929d0e0e4736";
    expect(traceFrom({ traceparent: `00-${id}-00f067aa0ba902b7-01` }).traceId).toBe(id);
    expect(traceFrom({ "x-cloud-trace-context": `${id.toUpperCase()}/123;o=1` }).traceId).toBe(id);
    const fresh = traceFrom({});
    expect(fresh.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(cloudTraceHeader({ traceId: id, spanId: "0000000000000010" })).toBe(`${id}/16;o=1`);
  });
});
