// Contract tests for Services, Revisions and Operations through the official
// @google-cloud/run v2 clients only.
import * as grpc from "@grpc/grpc-js";
import { operationsProtos } from "google-gax";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { loadProtos } from "../../grpc/protos";
import {
  CALL,
  hostOf,
  listOpsRequest,
  opRequest,
  request,
  startTestEmulator,
  template,
  code,
  type TestEmulator,
} from "../../testing/harness";

let t: TestEmulator;
const parent = "projects/contract/locations/us-central1";
const nameOf = (id: string) => `${parent}/services/${id}`;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
});
afterAll(async () => t?.close());

async function create(id: string, tpl = template("gcr.io/contract/hello:v1"), extra: Record<string, unknown> = {}) {
  const [op] = await t.services.createService({ parent, serviceId: id, service: { template: tpl, ...extra } }, CALL);
  await op.promise();
  const [svc] = await t.services.getService({ name: nameOf(id) }, CALL);
  return svc;
}

const operationsDelete = (name: string) =>
  operationsProtos.google.longrunning.DeleteOperationRequest.fromObject({ name });

describe("Services", () => {
  it("creates a service through a long-running operation and serves it", async () => {
    const [op] = await t.services.createService(
      {
        parent,
        serviceId: "hello",
        service: {
          labels: { team: "runway" },
          annotations: { "runway.dev/owner": "platform" },
          template: {
            ...template("europe-west4-docker.pkg.dev/p/app/hello:v1"),
            annotations: { "runway.dev/deployed-by": "ana@example.com" },
            labels: { tier: "web" },
          },
        },
      },
      CALL,
    );
    // Returned at once, unfinished, with the Service as metadata.
    expect(op.name).toMatch(/^projects\/contract\/locations\/us-central1\/operations\/[0-9a-f-]{36}$/);
    expect(op.done).toBe(false);
    const [result] = await op.promise();
    expect(result.name).toBe(nameOf("hello"));

    const [svc] = await t.services.getService({ name: nameOf("hello") }, CALL);
    expect(svc.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(svc.generation).toBe("1");
    expect(svc.observedGeneration).toBe("1");
    expect(svc.reconciling).toBe(false);
    expect(svc.terminalCondition).toMatchObject({ type: "Ready", state: "CONDITION_SUCCEEDED" });
    expect(svc.conditions?.map((c) => [c.type, c.state])).toEqual([
      ["RoutesReady", "CONDITION_SUCCEEDED"],
      ["ConfigurationsReady", "CONDITION_SUCCEEDED"],
    ]);
    expect(svc.latestCreatedRevision).toMatch(
      /^projects\/contract\/locations\/us-central1\/services\/hello\/revisions\/hello-00001-[a-z0-9]{3}$/,
    );
    expect(svc.latestReadyRevision).toBe(svc.latestCreatedRevision);
    expect(svc.trafficStatuses).toEqual([
      expect.objectContaining({ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 100 }),
    ]);
    expect(svc.uri).toBe(`http://hello.us-central1.localhost:${t.emulator.routerPort}`);
    expect(svc.etag).toBeTruthy();
    expect(svc.labels).toEqual({ team: "runway" });
    expect(svc.annotations).toEqual({ "runway.dev/owner": "platform" });
    // Server defaults, as Google fills them in.
    const c = svc.template!.containers![0];
    expect(c.resources?.limits).toEqual({ cpu: "1000m", memory: "512Mi" });
    expect(c.ports).toEqual([expect.objectContaining({ name: "http1", containerPort: 8080 })]);
    expect(c.startupProbe).toMatchObject({
      timeoutSeconds: 240,
      periodSeconds: 240,
      failureThreshold: 1,
      tcpSocket: { port: 8080 },
    });
    expect(svc.template!.timeout?.seconds).toBe("300");
    expect(svc.template!.maxInstanceRequestConcurrency).toBe(80);
    expect(svc.template!.serviceAccount).toMatch(/^\d{12}-compute@developer\.gserviceaccount\.com$/);
    expect(svc.ingress).toBe("INGRESS_TRAFFIC_ALL");

    const [rev] = await t.revisions.getRevision({ name: svc.latestReadyRevision! }, CALL);
    expect(rev.annotations).toEqual({ "runway.dev/deployed-by": "ana@example.com" });
    expect(rev.labels).toEqual({ tier: "web" });
    expect(rev.conditions?.find((x) => x.type === "Ready")?.state).toBe("CONDITION_SUCCEEDED");
    expect(rev.service).toBe(nameOf("hello"));

    const res = await request(t.emulator.routerPort, hostOf(svc.uri!));
    expect(res.status).toBe(200);
    expect(res.headers["x-runway-revision"]).toBe(rev.name!.split("/").pop());
    expect(res.headers["x-runway-image"]).toBe("europe-west4-docker.pkg.dev/p/app/hello:v1");
    expect(res.json()).toMatchObject({ service: "hello", revision: rev.name!.split("/").pop(), tag: "v1" });
  });

  it("lets a client poll the operation by name", async () => {
    const [op] = await t.services.createService(
      { parent, serviceId: "polled", service: { template: template("gcr.io/contract/hello:v1") } },
      CALL,
    );
    const [raw] = await t.services.operationsClient.getOperation(opRequest(op.name!));
    expect(raw.name).toBe(op.name);
    expect(raw.metadata).toMatchObject({ type_url: "type.googleapis.com/google.cloud.run.v2.Service" });
    let decoded = await t.services.checkCreateServiceProgress(op.name!);
    const deadline = Date.now() + 20_000;
    while (!decoded.done && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      decoded = await t.services.checkCreateServiceProgress(op.name!);
    }
    expect(decoded.done).toBe(true);
    const [svc] = await decoded.promise();
    expect(svc.name).toBe(nameOf("polled"));
    const [again] = await t.services.operationsClient.getOperation(opRequest(op.name!));
    expect(again.done).toBe(true);
    expect(again.response).toMatchObject({ type_url: "type.googleapis.com/google.cloud.run.v2.Service" });
    const names: string[] = [];
    for await (const o of t.services.operationsClient.listOperationsAsync(listOpsRequest(parent)))
      names.push(o.name ?? "");
    expect(names).toContain(op.name);
  });

  it("answers WaitOperation when the operation finishes, and deletes operations", async () => {
    // WaitOperation has no method on the Node clients: call it with a plain grpc-js client.
    const Operations = grpc.makeGenericClientConstructor(loadProtos().operations, "Operations");
    const raw = new Operations(
      `127.0.0.1:${t.emulator.grpcPort}`,
      grpc.credentials.createInsecure(),
    ) as unknown as grpc.Client & {
      WaitOperation(
        req: object,
        cb: (err: grpc.ServiceError | null, op: { done: boolean; name: string }) => void,
      ): void;
    };
    const [op] = await t.services.createService(
      { parent, serviceId: "awaited", service: { template: template("gcr.io/contract/hello:v1") } },
      CALL,
    );
    const waited = await new Promise<{ done: boolean; name: string }>((resolve, reject) =>
      raw.WaitOperation({ name: op.name, timeout: { seconds: 20 } }, (err, res) => (err ? reject(err) : resolve(res))),
    );
    raw.close();
    expect(waited).toMatchObject({ name: op.name, done: true });
    await t.services.operationsClient.deleteOperation(operationsDelete(op.name!));
    expect((await code(t.services.operationsClient.getOperation(opRequest(op.name!)))).code).toBe(5);
  });

  it("refuses a second service with the same id", async () => {
    await create("twice");
    const err = await code(
      t.services.createService(
        { parent, serviceId: "twice", service: { template: template("gcr.io/x/hello:v1") } },
        CALL,
      ),
    );
    expect(err.code).toBe(6);
    expect(err.details).toContain("already exists");
  });

  it("creates a revision on template change only; traffic-only updates bump the generation", async () => {
    const before = await create("deploys");
    const [op] = await t.services.updateService(
      { service: { ...before, template: template("gcr.io/contract/hello:v2") } },
      CALL,
    );
    await op.promise();
    const [v2] = await t.services.getService({ name: before.name }, CALL);
    expect(v2.generation).toBe("2");
    expect(v2.latestReadyRevision).toMatch(/deploys-00002-[a-z0-9]{3}$/);
    expect(v2.etag).not.toBe(before.etag);
    const rev1 = before.latestReadyRevision!.split("/").pop()!;

    const [trafficOp] = await t.services.updateService(
      {
        service: {
          ...v2,
          traffic: [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: rev1, percent: 100 }],
        },
      },
      CALL,
    );
    await trafficOp.promise();
    const [v3] = await t.services.getService({ name: before.name }, CALL);
    expect(v3.generation).toBe("3");
    expect(v3.observedGeneration).toBe("3");
    expect(v3.latestCreatedRevision).toBe(v2.latestCreatedRevision);
    expect(v3.trafficStatuses).toEqual([
      expect.objectContaining({ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: rev1, percent: 100 }),
    ]);
    const [revs] = await t.revisions.listRevisions({ parent: before.name }, CALL);
    expect(revs.map((r) => r.name)).toEqual([v2.latestCreatedRevision, before.latestCreatedRevision]); // newest first
    const res = await request(t.emulator.routerPort, hostOf(v3.uri!));
    expect(res.headers["x-runway-revision"]).toBe(rev1);
  });

  it("rejects a stale etag with ABORTED on update and delete", async () => {
    const svc = await create("etags");
    const [op] = await t.services.updateService({ service: { ...svc, labels: { changed: "yes" } } }, CALL);
    await op.promise();
    const stale = await code(t.services.updateService({ service: { ...svc, labels: { changed: "again" } } }, CALL));
    expect(stale.code).toBe(10);
    expect(stale.details).toContain("etag");
    expect((await code(t.services.deleteService({ name: svc.name, etag: svc.etag }, CALL))).code).toBe(10);
    const [fresh] = await t.services.getService({ name: svc.name }, CALL);
    expect(fresh.labels).toEqual({ changed: "yes" });
  });

  it("validate_only returns a finished operation with the defaulted service and stores nothing", async () => {
    const [op] = await t.services.createService(
      { parent, serviceId: "dry-run", validateOnly: true, service: { template: template("gcr.io/contract/hello:v1") } },
      CALL,
    );
    expect(op.done).toBe(true);
    const [svc] = await op.promise();
    expect(svc.name).toBe(nameOf("dry-run"));
    expect(svc.template?.containers?.[0].resources?.limits).toEqual({ cpu: "1000m", memory: "512Mi" });
    expect((await code(t.services.getService({ name: nameOf("dry-run") }, CALL))).code).toBe(5);

    const existing = await create("dry-update");
    const [upd] = await t.services.updateService(
      { service: { ...existing, template: template("gcr.io/contract/hello:v9") }, validateOnly: true },
      CALL,
    );
    expect(upd.done).toBe(true);
    const [after] = await t.services.getService({ name: existing.name }, CALL);
    expect(after.generation).toBe("1");
    expect(after.etag).toBe(existing.etag);
  });

  it("allow_missing turns UpdateService into a create", async () => {
    const missing = await code(
      t.services.updateService(
        { service: { name: nameOf("upserted"), template: template("gcr.io/x/hello:v1") } },
        CALL,
      ),
    );
    expect(missing.code).toBe(5);
    const [op] = await t.services.updateService(
      { service: { name: nameOf("upserted"), template: template("gcr.io/x/hello:v1") }, allowMissing: true },
      CALL,
    );
    await op.promise();
    const [svc] = await t.services.getService({ name: nameOf("upserted") }, CALL);
    expect(svc.generation).toBe("1");
    expect(svc.terminalCondition?.state).toBe("CONDITION_SUCCEEDED");
  });

  it("applies only the fields named in update_mask", async () => {
    const svc = await create("masked", template("gcr.io/x/hello:v1"), { description: "before" });
    const [op] = await t.services.updateService(
      {
        service: {
          name: svc.name,
          labels: { env: "prod" },
          description: "ignored",
          template: template("gcr.io/x/hello:v2"),
        },
        updateMask: { paths: ["labels"] },
      },
      CALL,
    );
    await op.promise();
    const [after] = await t.services.getService({ name: svc.name }, CALL);
    expect(after.labels).toEqual({ env: "prod" });
    expect(after.description).toBe("before");
    expect(after.latestCreatedRevision).toBe(svc.latestCreatedRevision);
    expect(after.template?.containers?.[0].image).toBe("gcr.io/x/hello:v1");
    const bad = await code(
      t.services.updateService({ service: { name: svc.name }, updateMask: { paths: ["uri"] } }, CALL),
    );
    expect(bad.code).toBe(3);
  });

  it("pages through services and revisions, ending with an empty token", async () => {
    const p2 = "projects/paging/locations/us-central1";
    for (const id of ["page-a", "page-b", "page-c", "page-d", "page-e"]) {
      const [op] = await t.services.createService(
        { parent: p2, serviceId: id, service: { template: template("gcr.io/x/hello:v1") } },
        CALL,
      );
      await op.promise();
    }
    const seen: string[] = [];
    let pageToken = "";
    let pages = 0;
    do {
      const [items, , response] = await t.services.listServices(
        { parent: p2, pageSize: 2, pageToken },
        { ...CALL, autoPaginate: false },
      );
      seen.push(...items.map((s) => s.name!.split("/").pop()!));
      pageToken = response?.nextPageToken ?? "";
      pages++;
    } while (pageToken && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(["page-a", "page-b", "page-c", "page-d", "page-e"]);
    const [all] = await t.services.listServices({ parent: p2 }, CALL);
    expect(all).toHaveLength(5);
    const [revs] = await t.revisions.listRevisions({ parent: `${p2}/services/-`, pageSize: 2 }, CALL);
    expect(revs).toHaveLength(5);
    expect(
      (await code(t.services.listServices({ parent: p2, pageToken: "garbage" }, { ...CALL, autoPaginate: false })))
        .code,
    ).toBe(3);
  });

  it("explains invalid requests with INVALID_ARGUMENT", async () => {
    const cases: [string, () => Promise<unknown>, string][] = [
      [
        "uppercase id",
        () =>
          t.services.createService(
            { parent, serviceId: "Bad", service: { template: template("gcr.io/x/hello:v1") } },
            CALL,
          ),
        "service_id",
      ],
      [
        "trailing hyphen",
        () =>
          t.services.createService(
            { parent, serviceId: "bad-", service: { template: template("gcr.io/x/hello:v1") } },
            CALL,
          ),
        "service_id",
      ],
      [
        "id too long",
        () =>
          t.services.createService(
            { parent, serviceId: "a".repeat(50), service: { template: template("gcr.io/x/hello:v1") } },
            CALL,
          ),
        "50",
      ],
      [
        "no image",
        () =>
          t.services.createService({ parent, serviceId: "noimage", service: { template: { containers: [{}] } } }, CALL),
        "image",
      ],
      [
        "reserved env",
        () =>
          t.services.createService(
            { parent, serviceId: "env", service: { template: template("gcr.io/x/hello:v1", { PORT: "1" }) } },
            CALL,
          ),
        "PORT is a reserved",
      ],
      [
        "revision prefix",
        () =>
          t.services.createService(
            {
              parent,
              serviceId: "prefix",
              service: { template: { ...template("gcr.io/x/hello:v1"), revision: "other-v1" } },
            },
            CALL,
          ),
        'must start with "prefix-"',
      ],
      [
        "percent sum",
        () =>
          t.services.createService(
            {
              parent,
              serviceId: "sum",
              service: {
                template: template("gcr.io/x/hello:v1"),
                traffic: [{ type: "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", percent: 90 }],
              },
            },
            CALL,
          ),
        "add up to 100",
      ],
      [
        "unknown revision",
        () =>
          t.services.createService(
            {
              parent,
              serviceId: "unknown-rev",
              service: {
                template: template("gcr.io/x/hello:v1"),
                traffic: [
                  { type: "TRAFFIC_TARGET_ALLOCATION_TYPE_REVISION", revision: "unknown-rev-00009-abc", percent: 100 },
                ],
              },
            },
            CALL,
          ),
        "not found",
      ],
      [
        "bad cpu",
        () =>
          t.services.createService(
            {
              parent,
              serviceId: "cpu",
              service: {
                template: { containers: [{ image: "gcr.io/x/hello:v1", resources: { limits: { cpu: "3" } } }] },
              },
            },
            CALL,
          ),
        "cpu",
      ],
      [
        "all locations",
        () =>
          t.services.createService(
            {
              parent: "projects/contract/locations/-",
              serviceId: "dash",
              service: { template: template("gcr.io/x/hello:v1") },
            },
            CALL,
          ),
        "location",
      ],
      ["bad name", () => t.services.getService({ name: "services/x" }, CALL), "Invalid service name"],
    ];
    for (const [what, call, text] of cases) {
      const err = await code(call());
      expect(err.code, what).toBe(3);
      expect(err.details, what).toContain(text);
    }
    expect((await code(t.services.getService({ name: nameOf("nope") }, CALL))).code).toBe(5);
  });

  it("deletes revisions that serve no traffic and refuses those that do", async () => {
    const svc = await create("pruned");
    const [op] = await t.services.updateService({ service: { ...svc, template: template("gcr.io/x/hello:v2") } }, CALL);
    await op.promise();
    const [now] = await t.services.getService({ name: svc.name }, CALL);
    const serving = await code(t.revisions.deleteRevision({ name: now.latestReadyRevision! }, CALL));
    expect(serving.code).toBe(9);
    const [del] = await t.revisions.deleteRevision({ name: svc.latestReadyRevision! }, CALL);
    const [gone] = await del.promise();
    expect(gone.name).toBe(svc.latestReadyRevision);
    expect((await code(t.revisions.getRevision({ name: svc.latestReadyRevision! }, CALL))).code).toBe(5);
  });

  it("deletes a service, its revisions and its route", async () => {
    const svc = await create("doomed");
    const [op] = await t.services.deleteService({ name: svc.name, etag: svc.etag }, CALL);
    const [deleted] = await op.promise();
    expect(deleted.name).toBe(svc.name);
    expect((await code(t.services.getService({ name: svc.name }, CALL))).code).toBe(5);
    expect((await request(t.emulator.routerPort, hostOf(svc.uri!))).status).toBe(404);
    const [listed] = await t.services.listServices({ parent, showDeleted: true }, CALL);
    expect(listed.find((s) => s.name === svc.name)?.deleteTime).toBeTruthy();
  });
});
