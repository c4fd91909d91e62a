// TailLogEntries' buffer_window (logging.proto: 0–60 000 ms, default 2 000),
// through the official client: each entry is held for the window after it
// arrives, a window of 0 sends it at once, entries of one batch come in
// timestamp order, and a window outside the bounds is refused. Lower bounds
// only: an entry can never arrive before its window has passed.
import logging from "@google-cloud/logging";
import { afterAll, beforeAll, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { CALL, clientOptions, startTestEmulator, type TestEmulator } from "../../testing/harness";

const PROJECT = "tail-window";
const RES = [`projects/${PROJECT}`];
let t: TestEmulator;
let log: InstanceType<typeof logging.v2.LoggingServiceV2Client>;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  log = new logging.v2.LoggingServiceV2Client(clientOptions(t.emulator.grpcPort));
}, 60_000);

afterAll(async () => {
  await log?.close();
  await t?.close();
});

type Arrival = { at: number; payloads: string[] };

/** Opens a tail on log `name`; resolves once subscribed (the first, empty response). */
async function openTail(name: string, bufferWindow?: { seconds?: number; nanos?: number }) {
  const stream = log.tailLogEntries();
  const arrivals: Arrival[] = [];
  let opened!: () => void;
  const open = new Promise<void>((resolve) => (opened = resolve));
  stream.on("data", (m: { entries: { textPayload?: string }[] }) => {
    opened();
    if (m.entries.length) arrivals.push({ at: performance.now(), payloads: m.entries.map((e) => e.textPayload ?? "") });
  });
  stream.on("error", () => {});
  stream.write({
    resourceNames: RES,
    filter: `logName="projects/${PROJECT}/logs/${name}"`,
    ...(bufferWindow ? { bufferWindow } : {}),
  });
  await open;
  return { arrivals, close: () => stream.cancel() };
}

async function write(name: string, texts: { text: string; secondsAgo: number }[]) {
  const now = Math.floor(Date.now() / 1000);
  await log.writeLogEntries(
    {
      logName: `projects/${PROJECT}/logs/${name}`,
      resource: { type: "global", labels: {} },
      entries: texts.map((x) => ({ textPayload: x.text, timestamp: { seconds: now - x.secondsAgo } })),
    },
    CALL,
  );
}

async function until(arrivals: Arrival[], n: number) {
  while (arrivals.flatMap((a) => a.payloads).length < n) await new Promise((r) => setTimeout(r, 10));
}

it("holds entries for the default 2 s, sends them at once with 0, and 1.5 s with 1.5 s", async () => {
  const [unset, zero, oneAndHalf] = await Promise.all([
    openTail("w"),
    openTail("w", { seconds: 0 }),
    openTail("w", { seconds: 1, nanos: 500_000_000 }),
  ]);
  try {
    const t0 = performance.now();
    await write("w", [
      { text: "late", secondsAgo: 0 },
      { text: "early", secondsAgo: 5 },
    ]);
    await Promise.all([until(zero.arrivals, 2), until(oneAndHalf.arrivals, 2), until(unset.arrivals, 2)]);
    for (const tail of [zero, oneAndHalf, unset])
      expect(tail.arrivals.flatMap((a) => a.payloads)).toEqual(["early", "late"]);
    expect(oneAndHalf.arrivals[0].at - t0).toBeGreaterThanOrEqual(1500);
    expect(unset.arrivals[0].at - t0).toBeGreaterThanOrEqual(2000);
    // Sent at once: before the 1.5 s tail could have had it.
    expect(zero.arrivals[0].at).toBeLessThan(oneAndHalf.arrivals[0].at);
  } finally {
    for (const tail of [unset, zero, oneAndHalf]) tail.close();
  }
});

it("refuses a buffer_window above 60 000 ms with INVALID_ARGUMENT", async () => {
  const stream = log.tailLogEntries();
  const err = new Promise<{ code: number; details: string }>((resolve) => stream.on("error", resolve));
  stream.write({ resourceNames: RES, filter: "", bufferWindow: { seconds: 61 } });
  const e = await err;
  expect(e.code).toBe(3);
  expect(e.details).toMatch(/buffer_window/);
});
