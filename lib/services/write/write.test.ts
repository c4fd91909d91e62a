// The Cloud Run write path's policy against the real emulator: a change
// carries the etag it was derived from, a stale one is never sent again and
// comes back as ServiceChanged (what the service runs now), and a resend whose
// revision exists counts as sent. The pure builders beside it, directly.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../../../test/emulator";
import type { RunClients } from "../../gcp/clients";
import { shortName } from "../names";
import {
  deriveTemplate,
  readForWrite,
  revisionReadiness,
  sendServiceWrite,
  ServiceChanged,
  templateOfRevision,
} from ".";

let clients: RunClients;
let stop: () => Promise<void>;
const name = "projects/pyplots-prod/locations/europe-west4/services/pyplots-api";
const read = async () => (await clients.services.getService({ name }))[0];

beforeAll(async () => {
  const t = await startTestEmulator();
  clients = t.clients;
  stop = () => t.emulator.stop();
}, 120_000);

afterAll(async () => {
  await stop?.();
});

describe("sendServiceWrite", () => {
  it("refuses a stale etag once, changes nothing, and says what the service runs now", async () => {
    const before = await read();
    const sent = sendServiceWrite(clients.services, {
      update: { name, labels: { team: "x" }, etag: '"stale"' },
      updateMask: ["labels"],
    });
    const err = await sent.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServiceChanged);
    expect((err as ServiceChanged).current.etag).toBe(before.etag);
    expect((err as ServiceChanged).message).toMatch(
      /^pyplots-api was changed.* after you opened it\. It now runs .* with traffic .*Nothing was changed/,
    );
    expect((err as ServiceChanged).code).toBe("conflict");
    expect((await read()).etag).toBe(before.etag);
  });

  it("refuses a change without an etag before sending it", async () => {
    const before = await read();
    await expect(
      sendServiceWrite(clients.services, { update: { name, labels: { team: "x" }, etag: "" }, updateMask: ["labels"] }),
    ).rejects.toThrow(/must carry the etag/);
    expect((await read()).etag).toBe(before.etag);
  });

  it("sends with the etag read and hands back Cloud Run's operation", async () => {
    const before = await read();
    const sent = await sendServiceWrite(clients.services, {
      update: { name, labels: { ...before.labels, written: "yes" }, etag: before.etag! },
      updateMask: ["labels"],
    });
    expect(sent.name).not.toBe("");
    await sent.operation!.promise();
    const after = await read();
    expect(after.labels?.written).toBe("yes");
    expect(after.etag).not.toBe(before.etag);
  });

  it("counts a resend whose named revision exists as sent, and only when asked", async () => {
    const current = await read();
    const template = {
      ...current.template,
      revision: shortName(current.latestCreatedRevision),
      annotations: { ...current.template?.annotations, resent: "yes" },
    };
    const write = { update: { name, template, etag: current.etag! } };
    await expect(sendServiceWrite(clients.services, write)).rejects.toMatchObject({ code: 6 });
    expect(await sendServiceWrite(clients.services, write, { resend: true })).toEqual({ name: "", operation: null });
  });
});

describe("readForWrite", () => {
  it("returns the service at the etag the person saw, else ServiceChanged", async () => {
    const current = await read();
    expect((await readForWrite(clients.services, name, current.etag!)).etag).toBe(current.etag);
    await expect(readForWrite(clients.services, name, '"old"')).rejects.toBeInstanceOf(ServiceChanged);
  });
});

describe("deriveTemplate", () => {
  it("keeps the settings, drops the portal's and Cloud Run's annotations, stamps who and why, names the revision", () => {
    const base = templateOfRevision({
      labels: { team: "plots", "cloud.googleapis.com/location": "europe-west4" },
      annotations: { "runway.dev/deployed-by": "old@x", "run.googleapis.com/startup-cpu-boost": "true", keep: "me" },
      maxInstanceRequestConcurrency: 80,
      containers: [{ image: "a:v1" }],
    });
    const t = deriveTemplate(base, {
      revision: "api-00002-abc",
      actor: "dev@x",
      changeRef: "JIRA-1",
      containers: ([c]) => [{ ...c, image: "a:v2" }],
    });
    expect(t).toMatchObject({
      revision: "api-00002-abc",
      labels: { team: "plots" },
      maxInstanceRequestConcurrency: 80,
      containers: [{ image: "a:v2" }],
    });
    expect(t.annotations).toEqual({ keep: "me", "runway.dev/deployed-by": "dev@x", "runway.dev/change-ref": "JIRA-1" });
  });
});

describe("revisionReadiness", () => {
  it.each([
    [[{ type: "Ready", state: "CONDITION_SUCCEEDED" }], { state: "ready", message: null }],
    [[{ type: "Ready", state: "CONDITION_FAILED", message: "no port" }], { state: "failed", message: "no port" }],
    [[{ type: "Ready", state: "CONDITION_FAILED" }], { state: "failed", message: "failed" }],
    [
      [
        { type: "Ready", state: "CONDITION_RECONCILING" },
        { type: "ContainerHealthy", state: "CONDITION_SUCCEEDED" },
      ],
      { state: "pending", message: null },
    ],
    [[], { state: "pending", message: null }],
  ] as const)("reads %j", (conditions, expected) => {
    expect(revisionReadiness({ conditions: conditions.map((c) => ({ ...c })) })).toEqual(expected);
  });
});
