// Stop and start the emulator on the same database: services, revisions,
// traffic and operations are still there, serving revisions answer again, an
// operation cut short by the stop finishes after the start, and no instance
// process outlives the emulator.
import { execFileSync } from "node:child_process";
import { expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../test/databases";
import { CALL, hostOf, opRequest, request, startTestEmulator, template, waitFor } from "./testing/harness";
import type { LifecycleEvent } from "./runtime/events";

const parent = "projects/durable/locations/us-central1";

/** Instance processes (our sample images) that are children of this test process. */
function instanceProcesses(): string[] {
  try {
    return execFileSync("pgrep", ["-P", String(process.pid), "-f", "emulator/images/"], { encoding: "utf8" })
      .trim()
      .split("\n")
      .filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

it("survives a restart", async () => {
  const url = await createEmptyDatabase(inject("pgAdminUrl"), "emu");
  const first = await startTestEmulator(url);
  const lifecycle: LifecycleEvent[] = [];
  first.emulator.events.on("lifecycle", (e) => lifecycle.push(e));

  const [c] = await first.services.createService(
    { parent, serviceId: "kept", service: { template: template("gcr.io/durable/hello:v1") } },
    CALL,
  );
  await c.promise();
  const [v1] = await first.services.getService({ name: `${parent}/services/kept` }, CALL);
  const rev1 = v1.latestReadyRevision!.split("/").pop()!;
  const [u] = await first.services.updateService(
    {
      service: {
        ...v1,
        template: template("gcr.io/durable/hello:v2"),
        traffic: [
          { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: rev1, percent: 50, tag: "blue" },
          { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 50 },
        ],
      },
    },
    CALL,
  );
  await u.promise();
  const [before] = await first.services.getService({ name: v1.name }, CALL);
  const [revsBefore] = await first.revisions.listRevisions({ parent: v1.name }, CALL);

  // A deploy still in its startup probe when the emulator stops.
  const [slow] = await first.services.createService(
    {
      parent,
      serviceId: "interrupted",
      service: { template: template("gcr.io/durable/hello:v1", { STARTUP_DELAY_MS: "2500" }) },
    },
    CALL,
  );
  await waitFor(
    () => lifecycle.some((e) => e.service === "interrupted" && e.kind === "starting"),
    "the slow deploy to start",
  );
  expect(instanceProcesses().length).toBeGreaterThan(0);
  await first.close();

  expect(instanceProcesses()).toEqual([]);
  const started = new Set(lifecycle.filter((e) => e.kind === "starting").map((e) => e.instanceId));
  const ended = new Set(lifecycle.filter((e) => e.kind === "stopped" || e.kind === "crashed").map((e) => e.instanceId));
  expect([...started].filter((id) => !ended.has(id))).toEqual([]);

  const second = await startTestEmulator(url);
  try {
    const [after] = await second.services.getService({ name: v1.name }, CALL);
    expect(after.generation).toBe(before.generation);
    expect(after.etag).toBe(before.etag);
    expect(after.latestReadyRevision).toBe(before.latestReadyRevision);
    const port = second.emulator.routerPort;
    expect(after.uri).toBe(`http://kept.us-central1.localhost:${port}`);
    expect(after.trafficStatuses?.map((s) => ({ ...s, uri: s.uri ? new URL(s.uri).hostname : "" }))).toEqual(
      before.trafficStatuses?.map((s) => ({ ...s, uri: s.uri ? new URL(s.uri).hostname : "" })),
    );
    const [revsAfter] = await second.revisions.listRevisions({ parent: v1.name }, CALL);
    expect(revsAfter.map((r) => r.name)).toEqual(revsBefore.map((r) => r.name));

    const [op] = await second.services.operationsClient.getOperation(opRequest(u.name!));
    expect(op.done).toBe(true);
    expect(op.response).toBeTruthy();

    // The serving revisions answer on the new port; the tag still pins v1.
    const main = await request(port, hostOf(after.uri!));
    expect(main.status).toBe(200);
    expect([rev1, after.latestReadyRevision!.split("/").pop()]).toContain(main.headers["x-runway-revision"]);
    const blue = after.trafficStatuses!.find((s) => s.tag === "blue")!;
    expect((await request(port, hostOf(blue.uri!))).headers["x-runway-revision"]).toBe(rev1);

    // The interrupted operation resumes and completes.
    const resumed = await second.services.checkCreateServiceProgress(slow.name!);
    const [svc] = await resumed.promise();
    expect(svc.name).toBe(`${parent}/services/interrupted`);
    const [ready] = await second.services.getService({ name: `${parent}/services/interrupted` }, CALL);
    expect(ready.terminalCondition?.state).toBe("CONDITION_SUCCEEDED");
  } finally {
    await second.close();
  }
  expect(instanceProcesses()).toEqual([]);
});
