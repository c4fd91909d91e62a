// A release whose plan snoozes alerts (issue 12), through the portal's own code
// against the emulator's SnoozeService and evaluator: one snooze of exactly the
// service's policies, ended when the release is promoted or aborted; nothing
// with the choice off; a notification that would have fired stays unsent; a
// follower that resumes after a crash adopts the snooze instead of making a
// second; a Google error never blocks the release.
import { beforeAll, describe, expect, it } from "vitest";
import type { protos } from "@google-cloud/monitoring";
import { waitFor } from "../../emulator/testing/harness";
import { operationEnded } from "../../test/jobs";
import { makeUser } from "../../test/portal-db";
import {
  actionDeps,
  deployTagged,
  load,
  newService,
  releaseWhen,
  savePlan,
  started,
  releaseTestbed,
  type Ref,
  startReleaseInput,
} from "../../test/releases";
import { runGuarded } from "../actions";
import type { Actor } from "../auth/roles";
import { createEmailChannelDefinition, createPolicyDefinition } from "../alerting";
import { alertingClients, observabilityClients, type AlertingClients } from "../gcp/clients";
import { getOperation } from "../operations";
import {
  abortReleaseDefinition,
  pollRelease,
  promoteReleaseDefinition,
  releaseEntries,
  releaseJson,
  startReleaseDefinition,
  type ReleaseDeps,
} from ".";
import { MAX_SNOOZE_POLICIES, snoozeSeconds, SNOOZE_MAX_SECONDS, SNOOZE_MIN_SECONDS } from "./plan";
import { endReleaseSnooze, snoozeDisplayName } from "./release-snooze";
import { getRelease } from "./store";

type Snooze = protos.google.monitoring.v3.ISnooze;
const bed = releaseTestbed();
let alerting: AlertingClients;
let operator: Actor;
beforeAll(async () => {
  alerting = alertingClients({ emulatorHost: bed.emulator.endpoint });
  operator = await makeUser(bed.db, "operator");
});

const alertingDeps = () => ({ clients: alerting, intakeBaseUrl: "http://127.0.0.1:1" });
const msOf = (t: protos.google.protobuf.ITimestamp | null | undefined) =>
  Number(t?.seconds ?? 0) * 1000 + Math.floor(Number(t?.nanos ?? 0) / 1e6);

/** A developer's 5xx-share policy on `service` (the portal's template), notifying `channels`. */
async function policy(
  ref: Pick<Ref, "project" | "region" | "service">,
  threshold: string,
  channels: string[] = [],
): Promise<string> {
  const r = await runGuarded(
    createPolicyDefinition(alertingDeps),
    bed.dev,
    {
      project: ref.project,
      region: ref.region,
      service: ref.service,
      kind: "error-share",
      threshold,
      durationSeconds: "0",
      channels,
    },
    { db: bed.db },
  );
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.data.name;
}

async function emailChannel(ref: Ref, email: string): Promise<string> {
  const r = await runGuarded(
    createEmailChannelDefinition(alertingDeps),
    operator,
    { project: ref.project, email },
    { db: bed.db },
  );
  if (!r.ok) throw new Error(JSON.stringify(r));
  return r.data.name;
}

/** The snoozes Runway made for release `id`, ended ones included. */
async function snoozesOf(ref: Ref, canary: string, id: string): Promise<Snooze[]> {
  const [all] = await alerting.snoozes.listSnoozes({ parent: `projects/${ref.project}` });
  return all.filter((s) => s.displayName === snoozeDisplayName({ canary, operationId: id }));
}

async function startRelease(ref: Ref, revision: string, enqueue = true): Promise<string> {
  const deps = actionDeps(bed.run, enqueue ? (opId) => bed.jobs.enqueueFollow(opId) : async () => {});
  const input = await startReleaseInput(bed.run, ref, revision);
  return started(await runGuarded(startReleaseDefinition(deps), bed.dev, input, { db: bed.db }));
}

const control = (def: typeof abortReleaseDefinition, ref: Ref, release: string, enqueue = true) =>
  runGuarded(
    def(actionDeps(bed.run, enqueue ? (opId) => bed.jobs.enqueueFollow(opId) : async () => {})),
    bed.dev,
    { project: ref.project, region: ref.region, service: ref.service, release },
    { db: bed.db },
  );

const decisions = async (id: string) =>
  (await releaseEntries(bed.db, id)).filter((e) => e.kind === "decision").map((e) => e.text);

async function outbox(): Promise<{ to: string; subject: string }[]> {
  return (
    (await (await fetch(`http://127.0.0.1:${bed.emulator.routerPort}/_emulator/outbox`)).json()) as {
      mails: { to: string; subject: string }[];
    }
  ).mails;
}

describe("the snooze's length", () => {
  it("is every step waiting its longest for traffic, between 10 minutes and a day", () => {
    expect(snoozeSeconds({ steps: [5, 25, 50, 100], stepSeconds: 300 })).toBe(4 * 300 * 3);
    expect(snoozeSeconds({ steps: [5, 100], stepSeconds: 4 })).toBe(SNOOZE_MIN_SECONDS);
    expect(snoozeSeconds({ steps: [1, 2, 3, 4, 5, 6, 7, 8, 9, 100], stepSeconds: 86_400 })).toBe(SNOOZE_MAX_SECONDS);
  });
});

describe("a release that snoozes its service's alerts", () => {
  it("snoozes exactly the service's policies while it runs, and ends the snooze when it is promoted", async () => {
    const ref = await newService(bed.run);
    const mine = [await policy(ref, "1"), await policy(ref, "5")].sort();
    await policy({ ...ref, service: `${ref.service}-other` }, "1");
    await savePlan(bed.db, bed.dev, ref, { stepSeconds: 600, snoozeAlerts: true });
    const canary = await deployTagged(bed.run, ref, {});
    const id = await startRelease(ref, canary);
    const r = await releaseWhen(
      bed.db,
      id,
      (x) => x.state === "observing" && x.snooze?.state === "active",
      "observing, snoozed",
    );

    const [snooze, ...more] = await snoozesOf(ref, canary, id);
    expect(more).toEqual([]);
    expect(snooze).toMatchObject({
      name: r.snooze!.name,
      displayName: `Runway's release of ${canary} (release ${id})`,
      criteria: { policies: mine },
    });
    const start = msOf(snooze.interval!.startTime);
    const end = msOf(snooze.interval!.endTime);
    expect(end).toBe(Date.parse(r.snooze!.until!));
    // From the release's first look to the plan's longest run: 4 steps × 600 s × 3.
    expect(end - start).toBeLessThanOrEqual(7_200_000);
    expect(end - start).toBeGreaterThan(7_200_000 - 10_000);
    expect(await decisions(id)).toContain(
      `Alerts of ${ref.service} are snoozed until ${r.snooze!.until!.slice(11, 16)} UTC or the release's end: 2 alert policies (${snooze.name}).`,
    );
    expect((await releaseJson(bed.db, id))!.snooze).toEqual({
      state: "active",
      until: r.snooze!.until,
      policies: 2,
      left: 0,
      endedAt: null,
      error: null,
    });
    const audit = await bed.db.auditEvent.findFirst({ where: { target: ref.name, action: "releases.start" } });
    expect(audit?.details).toMatchObject({ snoozeAlerts: true, plan: { snoozeAlerts: true } });

    expect(await control(promoteReleaseDefinition, ref, id)).toMatchObject({ ok: true });
    await releaseWhen(bed.db, id, (x) => x.state === "promoted", "promoted");
    expect((await operationEnded(bed.db, id)).status).toBe("succeeded");
    const ended = (await getRelease(bed.db, id))!;
    expect(ended.snooze).toMatchObject({ state: "ended", name: snooze.name });
    const [after] = await alerting.snoozes.getSnooze({ name: snooze.name });
    // Ended now, or a second after its start when the release ended within a second of it
    // (an end must follow the start); a promotion taken up at once can do that.
    expect(msOf(after.interval!.endTime)).toBeLessThanOrEqual(
      Math.max(Date.now(), msOf(after.interval!.startTime) + 1000),
    );
    expect(msOf(after.interval!.endTime)).toBe(Date.parse(ended.snooze!.endedAt!));
    expect(await snoozesOf(ref, canary, id)).toHaveLength(1);
    expect(await decisions(id)).toContain(
      `Alerts of ${ref.service} are no longer snoozed: the snooze ended with the release.`,
    );
    const completed = await bed.db.auditEvent.findFirst({
      where: { target: ref.name, action: "releases.release.completed" },
    });
    expect(completed?.details).toMatchObject({ snooze: { state: "ended", name: snooze.name } });
  }, 120_000);

  it("mutes a notification that would have fired during the release, and ends the snooze when it is aborted", async () => {
    const ref = await newService(bed.run);
    const snoozedMail = `snoozed-${ref.service}@example.com`;
    const freeMail = `free-${ref.service}@example.com`;
    const snoozed = await policy(ref, "1", [await emailChannel(ref, snoozedMail)]);
    // The canary fails every request; the plan lets it (its checks pass) so the release stays at 5 %.
    // Latency cannot fail a check either: a cold canary instance on a busy machine answered
    // over the default 500 ms floor, the release aborted, its snooze ended, and the rule fired.
    await savePlan(bed.db, bed.dev, ref, {
      stepSeconds: 600,
      snoozeAlerts: true,
      maxErrorPercent: 100,
      latencyFloorMs: 600_000,
    });
    const canary = await deployTagged(bed.run, ref, { ERROR_RATE: "1" });
    const id = await startRelease(ref, canary);
    const r = await releaseWhen(
      bed.db,
      id,
      (x) => x.state === "observing" && x.snooze?.state === "active",
      "observing, snoozed",
    );
    expect(r.snooze!.policies).toEqual([snoozed]);
    // The same rule made after the release started is not in its snooze: it shows the rule fires.
    const free = await policy(ref, "2", [await emailChannel(ref, freeMail)]);
    const stop = load(bed.emulator, ref, 20);
    try {
      await waitFor(
        async () => {
          await bed.emulator.evaluateAlerts();
          return (await outbox()).some((m) => m.to === freeMail);
        },
        "the policy outside the snooze to notify",
        60_000,
        500,
      );
      // One more evaluation on the same failing traffic, its deliveries awaited.
      await bed.emulator.evaluateAlerts();
      // Still releasing (so still snoozed): had it ended, the rule's mail would be right.
      expect((await getRelease(bed.db, id))!.state).toBe("observing");
      expect((await outbox()).filter((m) => m.to === snoozedMail)).toEqual([]);
      const incidents = (
        (await (await fetch(`http://127.0.0.1:${bed.emulator.routerPort}/_emulator/incidents`)).json()) as {
          incidents: { policy: string; state: string }[];
        }
      ).incidents;
      expect(incidents.filter((i) => i.policy === snoozed)).toEqual([]);
      expect(incidents.filter((i) => i.policy === free && i.state === "open")).toHaveLength(1);
    } finally {
      stop();
    }

    expect(await control(abortReleaseDefinition, ref, id)).toMatchObject({ ok: true });
    await releaseWhen(bed.db, id, (x) => x.state === "aborted", "aborted");
    expect((await operationEnded(bed.db, id)).status).toBe("failed");
    const ended = (await getRelease(bed.db, id))!;
    expect(ended.snooze).toMatchObject({ state: "ended", name: r.snooze!.name });
    const [after] = await alerting.snoozes.getSnooze({ name: r.snooze!.name });
    expect(msOf(after.interval!.endTime)).toBeLessThanOrEqual(Date.now());
  }, 150_000);

  it("snoozes nothing when the plan leaves the choice off", async () => {
    const ref = await newService(bed.run);
    const watching = await policy(ref, "1");
    await savePlan(bed.db, bed.dev, ref, { stepSeconds: 600 });
    const canary = await deployTagged(bed.run, ref, {});
    const id = await startRelease(ref, canary);
    // Two checks done: the first look (where a snooze would be made) is long past.
    const r = await releaseWhen(
      bed.db,
      id,
      (x) => x.state === "observing" && x.dataUpTo !== null && x.stepStartedAt !== null && x.dataUpTo > x.stepStartedAt,
      "checked",
    );
    expect(r.snooze).toBeNull();
    const [all] = await alerting.snoozes.listSnoozes({ parent: `projects/${ref.project}` });
    expect(all.filter((s) => s.criteria?.policies?.includes(watching))).toEqual([]);
    expect((await releaseJson(bed.db, id))!.snooze).toBeNull();
    expect(await control(abortReleaseDefinition, ref, id)).toMatchObject({ ok: true });
    await operationEnded(bed.db, id);
  }, 90_000);

  it(`snoozes ${MAX_SNOOZE_POLICIES} policies at most (Google's limit) and names the ones left out`, async () => {
    const ref = await newService(bed.run);
    const names: string[] = [];
    for (let i = 1; i <= MAX_SNOOZE_POLICIES + 1; i++) names.push(await policy(ref, String(i)));
    await savePlan(bed.db, bed.dev, ref, { stepSeconds: 600, snoozeAlerts: true });
    const canary = await deployTagged(bed.run, ref, {});
    const id = await startRelease(ref, canary);
    const r = await releaseWhen(
      bed.db,
      id,
      (x) => x.state === "observing" && x.snooze?.state === "active",
      "observing, snoozed",
    );
    const sorted = [...names].sort();
    expect(r.snooze!.policies).toEqual(sorted.slice(0, MAX_SNOOZE_POLICIES));
    expect(r.snooze!.left).toEqual(sorted.slice(MAX_SNOOZE_POLICIES));
    expect((await decisions(id)).find((d) => d.startsWith(`Alerts of ${ref.service} are snoozed`))).toContain(
      `: 16 alert policies (${r.snooze!.name}). 1 more is not (a snooze holds at most 16): ${sorted[16]}.`,
    );
    expect(await control(abortReleaseDefinition, ref, id)).toMatchObject({ ok: true });
    expect((await operationEnded(bed.db, id)).status).toBe("failed");
  }, 120_000);

  it("goes on when Cloud Monitoring refuses the snooze, and says so in its decisions", async () => {
    const ref = await newService(bed.run);
    await policy(ref, "1");
    await savePlan(bed.db, bed.dev, ref, { stepSeconds: 600, snoozeAlerts: true });
    const canary = await deployTagged(bed.run, ref, {});
    try {
      bed.emulator.faults.set([
        {
          method: "CreateSnooze",
          code: "PERMISSION_DENIED",
          message: "Permission monitoring.snoozes.create denied",
          times: 1,
        },
      ]);
      const id = await startRelease(ref, canary);
      const r = await releaseWhen(
        bed.db,
        id,
        (x) => x.state === "observing" && x.snooze?.state === "failed",
        "observing, snooze failed",
      );
      expect(r.snooze!.error).toContain("Permission monitoring.snoozes.create denied");
      expect((await decisions(id)).find((d) => d.startsWith("Snoozing the alerts failed"))).toMatch(
        /^Snoozing the alerts failed \(.*Permission monitoring\.snoozes\.create denied.*\); the release goes on and alerts notify as usual\.$/,
      );
      expect(await control(promoteReleaseDefinition, ref, id)).toMatchObject({ ok: true });
      expect((await operationEnded(bed.db, id)).status).toBe("succeeded");
      expect(await snoozesOf(ref, canary, id)).toEqual([]);
    } finally {
      bed.emulator.faults.set([]);
    }
  }, 90_000);
});

describe("restart safety", () => {
  it("a follower resuming after a crash between creating the snooze and recording it adopts it: one snooze, ended once", async () => {
    const ref = await newService(bed.run);
    const watching = await policy(ref, "1");
    await savePlan(bed.db, bed.dev, ref, { stepSeconds: 600, snoozeAlerts: true });
    const canary = await deployTagged(bed.run, ref, {});
    // No queue: this test is the follower, one look at a time.
    const id = await startRelease(ref, canary, false);
    const target = { emulatorHost: bed.emulator.endpoint };
    const follower = (): ReleaseDeps => ({
      run: bed.run,
      observability: observabilityClients(target),
      alerting,
      monitoringLagMs: 0,
    });
    const look = async () => pollRelease(bed.db, follower(), (await getOperation(bed.db, id))!);

    await look();
    const first = (await getRelease(bed.db, id))!;
    expect(first.snooze).toMatchObject({ state: "active", policies: [watching] });
    // What a kill -9 right after CreateSnooze leaves: the intent, without the name.
    const { name, ...intent } = first.snooze!;
    await bed.db.release.update({ where: { operationId: id }, data: { snooze: { ...intent, state: "creating" } } });

    await look();
    expect((await getRelease(bed.db, id))!.snooze).toMatchObject({ state: "active", name });
    expect((await snoozesOf(ref, canary, id)).map((s) => s.name)).toEqual([name]);

    expect(await control(abortReleaseDefinition, ref, id, false)).toMatchObject({ ok: true });
    const ended = await waitFor(
      async () => {
        const op = await look();
        return op.status === "running" ? undefined : op;
      },
      "the release to end",
      60_000,
      200,
    );
    expect(ended.status).toBe("failed");
    const row = (await getRelease(bed.db, id))!;
    expect(row.snooze).toMatchObject({ state: "ended", name });
    // A follower that died before recording the end ends nothing twice: the snooze is already over.
    const again = await endReleaseSnooze(
      bed.db,
      alerting,
      { ...row, snooze: { ...row.snooze!, state: "active", endedAt: undefined } },
      new Date(),
    );
    expect(again.snooze).toMatchObject({ state: "ended", name, endedAt: row.snooze!.endedAt });
    expect((await decisions(id)).filter((d) => d.startsWith("Ending the snooze failed"))).toEqual([]);
    expect(await snoozesOf(ref, canary, id)).toHaveLength(1);
  }, 120_000);
});
