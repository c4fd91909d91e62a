// Findings (issue 17) about reads when Google misbehaves, against the emulator:
// - the secret page fell to the error page when Secret Manager failed: each of
//   its reads now degrades alone to a message, naming the API;
// - a service page gave up after one failed GetService: a passing fault is retried once;
// - every failure said "Google Cloud": messages name the API that failed;
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../emulator";
import { listDatabases } from "@/lib/databases";
import { NotFound, Upstream } from "@/lib/errors";
import { secretsClient, sqlClients, type RunClients } from "@/lib/gcp/clients";
import { readSecret } from "@/lib/secrets";
import { getService } from "@/lib/services";

let run: RunClients;
let endpoint: string;
let setFaults: (rules: unknown) => void;
let stop: () => Promise<void>;

beforeAll(async () => {
  const t = await startTestEmulator();
  run = t.clients;
  endpoint = t.emulator.endpoint;
  setFaults = (rules) => t.emulator.faults.set(rules);
  stop = () => t.emulator.stop();
}, 120_000);
afterAll(async () => {
  await stop?.();
});
// A test that fails with a fault set must not leave it to the next one.
afterEach(() => {
  setFaults([]);
});

describe("the secret page under Secret Manager failures", () => {
  const read = () => readSecret("pyplots-prod", "db-password", secretsClient({ emulatorHost: endpoint }));

  it("shows the versions when only the metadata read fails, and the reverse", async () => {
    setFaults([{ method: "GetSecret", code: "INTERNAL", message: "backend fell over" }]);
    const noMeta = await read();
    expect(noMeta.meta).toEqual({ error: "Secret Manager failed while reading db-password: backend fell over" });
    expect(Array.isArray(noMeta.versions) && noMeta.versions.length).toBeGreaterThan(0);

    setFaults([{ method: "ListSecretVersions", code: "PERMISSION_DENIED", message: "no access" }]);
    const noVersions = await read();
    expect(noVersions.versions).toEqual({
      error: "Secret Manager refused access while listing the versions of db-password: no access",
    });
    expect(noVersions.meta).toMatchObject({ labels: expect.any(Object) });
    setFaults([]);
  });

  it("retries one passing fault, and a missing secret is still a 404", async () => {
    setFaults([
      { method: "GetSecret", code: "UNAVAILABLE", times: 1 },
      { method: "ListSecretVersions", code: "DEADLINE_EXCEEDED", times: 1 },
    ]);
    const detail = await read();
    expect(detail.meta).not.toHaveProperty("error");
    expect(detail.versions).not.toHaveProperty("error");
    setFaults([]);
    await expect(
      readSecret("pyplots-prod", "no-such-secret", secretsClient({ emulatorHost: endpoint })),
    ).rejects.toBeInstanceOf(NotFound);
  });
});

describe("the service page under a passing Cloud Run fault", () => {
  const ref = { project: "pyplots-prod", region: "europe-west4", service: "pyplots-api" };

  // The client library itself retries UNAVAILABLE for GetService; DEADLINE_EXCEEDED
  // and RESOURCE_EXHAUSTED it passes straight up, so those show the portal's own retry.
  it("a single DEADLINE_EXCEEDED or RESOURCE_EXHAUSTED GetService is retried and the page renders", async () => {
    setFaults([{ method: "GetService", code: "DEADLINE_EXCEEDED", times: 1 }]);
    expect((await getService(ref, run)).service.id).toBe("pyplots-api");
    setFaults([{ method: "GetService", code: "RESOURCE_EXHAUSTED", times: 1 }]);
    const detail = await getService(ref, run);
    expect(detail.service.id).toBe("pyplots-api");
  });

  it("two in a row give the notice, naming Cloud Run", async () => {
    setFaults([{ method: "GetService", code: "DEADLINE_EXCEEDED", times: 2 }]);
    const err = await getService(ref, run).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Upstream);
    expect((err as Error).message).toBe("Cloud Run did not answer while reading pyplots-api; try again.");
    // Not retried: a refusal is an answer.
    setFaults([{ method: "GetService", code: "PERMISSION_DENIED", times: 1, message: "denied" }]);
    await expect(getService(ref, run)).rejects.toThrow("Cloud Run refused access while reading pyplots-api: denied");
    setFaults([]);
  });

  it("other APIs name themselves: Cloud SQL for the databases list", async () => {
    setFaults([{ method: "SqlInstancesService/List", code: "DEADLINE_EXCEEDED" }]);
    const [pyplots] = await listDatabases(["pyplots-prod"], sqlClients({ emulatorHost: endpoint }));
    expect(pyplots.error).toBe(
      "Cloud SQL did not answer while listing Cloud SQL instances of pyplots-prod; try again.",
    );
    setFaults([]);
  });
});
