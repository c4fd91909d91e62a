// Cost by revision on a service page, from real requests through the emulator:
// a revision's cost per day and per 1,000 requests, and a deploy that doubles
// memory shows its projected monthly change (the previous revision's memory
// cost once more) before the new revision has any data of its own; a
// request-based service with a warm min instance shows what its idling costs.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, expect, it } from "vitest";
import { fetchViaRouter, startTestEmulator } from "../../test/emulator";
import { observabilityClients } from "../gcp/clients";
import { getService } from "../services";
import { readInstances } from "./history";
import { serviceCostByRevision } from "./service-cost";

const ref = { project: "cost-proj", region: "us-central1", service: "doubler" };
const warm = { ...ref, service: "warm" };
let stop: () => Promise<void>;
const savedEnv = { ...process.env };

beforeAll(async () => {
  const t = await startTestEmulator({ seed: false });
  stop = () => t.emulator.stop();
  Object.assign(process.env, {
    DATABASE_URL: "postgresql://localhost/unused",
    AUTH_SECRET: randomUUID() + randomUUID(),
    GCP_EMULATOR_HOST: t.emulator.endpoint,
  });
  const parent = `projects/${ref.project}/locations/${ref.region}`;
  const container = (memory: string) => ({
    image: "gcr.io/c/hello:v1",
    env: [{ name: "LATENCY_MS", value: "200" }],
    resources: { limits: { cpu: "1", memory }, cpuIdle: true },
  });
  const [op] = await t.clients.services.createService(
    { parent, serviceId: ref.service, service: { template: { containers: [container("512Mi")] } } },
    { timeout: 30_000 },
  );
  await op.promise();
  const { service } = await getService(ref, t.clients);
  for (let i = 0; i < 20; i++)
    expect((await fetchViaRouter(service.uri!, t.emulator.routerPort, "/")).status).toBe(200);
  const [op2] = await t.clients.services.updateService(
    { service: { name: service.name, template: { containers: [container("1Gi")] } } },
    { timeout: 30_000 },
  );
  await op2.promise();
  const [op3] = await t.clients.services.createService(
    {
      parent,
      serviceId: warm.service,
      service: { template: { scaling: { minInstanceCount: 1 }, containers: [container("512Mi")] } },
    },
    { timeout: 30_000 },
  );
  await op3.promise();
}, 120_000);

afterAll(async () => {
  process.env = savedEnv;
  await stop?.();
});

it("prices each revision per day and per 1,000 requests, and projects the doubled memory's monthly cost", async () => {
  const { service, revisions } = await getService(ref);
  const view = await serviceCostByRevision(service, revisions);
  expect(view.currency).toBe("USD");
  const [first] = [...revisions].sort((a, b) => (a.createdAt?.getTime() ?? 0) - (b.createdAt?.getTime() ?? 0));
  const before = view.revisions.find((r) => r.revision === first.name)!;
  expect(before.requests).toBe(20);
  expect(before.days).toBe(1);
  expect(before.cost.memory).toBeGreaterThan(0);
  expect(before.per1000Requests!).toBeCloseTo((before.cost.total * 1000) / 20, 12);
  // Memory 512 MiB → 1 GiB at the same traffic: its memory cost again, for a 30-day month.
  expect(view.impact).toMatchObject({
    previous: first.name,
    current: service.latestReadyRevision.split("/").pop(),
    basis: "allocation",
  });
  expect(view.impact!.monthlyChange).toBeCloseTo(before.cost.memory * 30, 12);
  expect(view.impact!.per1000After!).toBeGreaterThan(view.impact!.per1000Before!);
});

it("prices a warm min instance's idling apart, at the Min Instance prices, and nothing for a service without one", async () => {
  // Wait until Monitoring has an idle minute of the warm instance (minutes are written once they end).
  const deadline = Date.now() + 200_000;
  for (;;) {
    const idle =
      (await readInstances(observabilityClients(), warm.project, new Date())).find((i) => i.service === warm.service)
        ?.idleInstances ?? 0;
    if (idle > 0) break;
    if (Date.now() > deadline) throw new Error("no idle minute of the warm instance in Monitoring");
    await new Promise((r) => setTimeout(r, 5_000));
  }
  const { service, revisions } = await getService(warm);
  const now = new Date();
  const { idle } = await serviceCostByRevision(service, revisions, now);
  expect(idle).not.toBeNull();
  // 1 vCPU and 512 MiB at $0.0000025 per vCPU-s and per GiB-s: idle instances × 86 400 × 0.00000375 a day.
  expect(idle!.idleInstances).toBeGreaterThan(0);
  expect(idle!.idleInstances).toBeLessThanOrEqual(1);
  expect(idle!.perDay).toBeCloseTo(idle!.idleInstances * 86_400 * 0.00000375, 12);
  const monthDays = (now.getTime() - Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)) / 86_400_000;
  expect(idle!.monthToDate).toBeCloseTo(idle!.perDay * monthDays, 12);
  const doubler = await getService(ref);
  expect((await serviceCostByRevision(doubler.service, doubler.revisions, now)).idle).toBeNull();
}, 240_000);
