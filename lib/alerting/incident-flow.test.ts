// The whole loop through the portal's own code: a developer's 5xx-share policy
// (from its template) on a service whose revision starts failing opens an
// incident that the emulator's evaluator POSTs to Runway's webhook channel;
// the intake stores it and the service's alerting view shows it open; a good
// revision closes it. The intake here is lib's receiveIncident behind a plain
// HTTP server, as the route handler serves it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { template, waitFor } from "../../emulator/testing/harness";
import { startIntakeServer } from "../../test/alert-intake";
import { fetchViaRouter, startTestEmulator } from "../../test/emulator";
import { freshPortalDb, makeUser } from "../../test/portal-db";
import { runGuarded } from "../actions";
import type { Db } from "../db";
import { alertingClients, type AlertingClients, type RunClients } from "../gcp/clients";
import { createPolicyDefinition } from "./policies";
import { createWebhookChannelDefinition } from "./channels";
import { openIncidentCounts } from "./incidents";
import { ensureLocations } from "../services/locations";
import { serviceAlerting } from "./service-alerting";

let db: Db;
let clients: AlertingClients;
let run: RunClients;
let routerPort: number;
let stop: () => Promise<void>;
let intake: { url: string; close: () => void };
let intakeUrl: string;

beforeAll(async () => {
  db = await freshPortalDb();
  await ensureLocations(db, [{ project, region }]);
  // The portal's intake route, in a plain Node server.
  intake = await startIntakeServer(db);
  intakeUrl = intake.url;
  const t = await startTestEmulator({ alerting: { evaluationPeriodMs: 500 } });
  stop = () => t.emulator.stop();
  run = t.clients;
  routerPort = t.emulator.routerPort;
  clients = alertingClients({ emulatorHost: t.emulator.endpoint });
}, 120_000);

afterAll(async () => {
  await stop?.();
  intake?.close();
});

const project = "alert-flow-prod";
const region = "us-central1";
const parent = `projects/${project}/locations/${region}`;
const ref = { project, region, service: "checkout" };

async function deploy(errorRate: string, create = false): Promise<string> {
  const tpl = template("gcr.io/t/hello:v1", { ERROR_RATE: errorRate });
  const [op] = create
    ? await run.services.createService({ parent, serviceId: ref.service, service: { template: tpl } })
    : await run.services.updateService({ service: { name: `${parent}/services/${ref.service}`, template: tpl } });
  await op.promise();
  const [svc] = await run.services.getService({ name: `${parent}/services/${ref.service}` });
  return svc.uri!;
}

describe("a 5xx-share policy, end to end through the portal", () => {
  it("opens an incident visible in the portal when a revision fails, and closes it when the service recovers", async () => {
    const uri = await deploy("0", true);
    const operator = await makeUser(db, "operator");
    const developer = await makeUser(db, "developer");
    const deps = () => ({ clients, intakeBaseUrl: intakeUrl });
    const channel = await runGuarded(createWebhookChannelDefinition(deps), operator, { project }, { db });
    expect(channel.ok).toBe(true);
    const policy = await runGuarded(
      createPolicyDefinition(deps),
      developer,
      {
        ...ref,
        kind: "error-share",
        threshold: "50",
        durationSeconds: "0",
        channels: [(channel as { data: { name: string } }).data.name],
      },
      { db },
    );
    expect(policy.ok).toBe(true);
    for (let i = 0; i < 3; i++) expect((await fetchViaRouter(uri, routerPort)).status).toBe(200);

    await deploy("1");
    const open = await waitFor(
      async () => {
        await fetchViaRouter(uri, routerPort);
        const view = await serviceAlerting(db, ref, deps());
        return view.incidents.find((i) => i.state === "open");
      },
      "an open incident in the portal",
      60_000,
      300,
    );
    expect(open).toMatchObject({
      project,
      region,
      service: "checkout",
      policy: "checkout: 5xx share of requests > 50 %",
      condition: "5xx share of requests",
      thresholdValue: "0.5",
      threshold: "50 %",
      policyName: (policy as { data: { name: string } }).data.name,
      endedAt: null,
    });
    expect(Number(open.observedValue)).toBeGreaterThan(0.5);
    expect((await openIncidentCounts(db))[`${project}/checkout`]).toBe(1);
    const view = await serviceAlerting(db, ref, deps());
    expect(view.openByPolicy).toEqual({ [(policy as { data: { name: string } }).data.name]: 1 });

    await deploy("0");
    const closed = await waitFor(
      async () => {
        await fetchViaRouter(uri, routerPort);
        return (await serviceAlerting(db, ref, deps())).incidents.find(
          (i) => i.incidentId === open.incidentId && i.state === "closed",
        );
      },
      "the incident closed in the portal",
      120_000,
      300,
    );
    expect(new Date(closed.endedAt!).getTime()).toBeGreaterThanOrEqual(new Date(closed.startedAt).getTime());
    expect((await openIncidentCounts(db))[`${project}/checkout`]).toBeUndefined();
    // Each state was delivered and stored once.
    expect(
      await db.alertIncidentEvent.findMany({
        where: { incidentId: open.incidentId },
        select: { state: true },
        orderBy: { id: "asc" },
      }),
    ).toEqual([{ state: "open" }, { state: "closed" }]);
  }, 240_000);
});
