// Background half of every mutation: deploy the new revision (image check,
// secrets check, first instance through its startup probe), then settle the
// service's status and traffic, point the router at it and finish the
// Operation. One job at a time per service, in the order they were accepted.
import { Code } from "../../grpc/errors";
import type { DeployResult, ServiceRoute } from "../../runtime/types";
import type { StoredOperation } from "../longrunning/store";
import { failureMessage, readyState, revisionFailed, revisionReady, serviceFailed, serviceReady } from "./conditions";
import type { RunContext } from "./context";
import { newEtag, parseRevisionName, parseServiceName, revisionName, toTimestamp } from "./names";
import { inTransaction } from "../../db";
import { KeyedMutex } from "./mutex";
import { canonicalService } from "./resources";
import { hasCustomStartupProbe, revisionPort, revisionSpec, secretRefs } from "./spec";
import type { StoredService } from "./store";
import { routeFor, trafficStatuses } from "./traffic";
import type { Revision, Service } from "./types";
import { ingressContainer } from "./defaults";

const SERVICE_KINDS = new Set(["CreateService", "UpdateService", "DeleteService", "DeleteRevision"]);
const serviceOf = (target: string) => target.split("/revisions/")[0];

export class Reconciler {
  private readonly jobs = new KeyedMutex();
  private readonly deploying = new Set<string>();
  private readonly superseded = new Set<string>();
  private readonly running = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(private readonly ctx: Omit<RunContext, "schedule" | "supersede">) {}

  schedule(op: StoredOperation): void {
    const job = this.jobs
      .run(serviceOf(op.target), () => this.run(op.name))
      .catch((err: Error) =>
        this.ctx.log.error("reconciliation failed", { operation: op.name, error: err.stack ?? String(err) }),
      );
    this.running.add(job);
    void job.finally(() => this.running.delete(job));
  }

  supersede(name: string): void {
    if (!this.deploying.has(name)) return;
    this.superseded.add(name);
    const { project, location, revision } = parseRevisionName(name);
    void this.ctx.runtime.retire(project, location, revision);
  }

  /** Stop taking work; unfinished operations stay pending and resume at the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
  }

  /** Waits for jobs in flight (after the runtime stopped, they end quickly). */
  async drain(timeoutMs = 5000): Promise<void> {
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
  }

  /** At startup: routes and pools for every service, then resume unfinished operations. */
  async restore(): Promise<void> {
    await this.syncAll();
    for (const op of await this.ctx.ops.pending()) this.schedule(op);
  }

  /** Routes and pools for every service (serving revisions register; nothing starts below min instances). */
  async syncAll(): Promise<void> {
    for (const stored of await this.ctx.store.liveServices()) await this.sync(stored);
  }

  private async run(opName: string): Promise<void> {
    if (this.stopping) return;
    const op = await this.ctx.ops.get(opName);
    // Cloud Run jobs' operations are finished by their own executor.
    if (!op || op.done || !SERVICE_KINDS.has(op.kind)) return;
    if (op.kind === "DeleteService") return this.finishServiceDelete(op);
    if (op.kind === "DeleteRevision") return this.finishRevisionDelete(op);
    return this.reconcile(op);
  }

  private async deploy(revision: Revision): Promise<DeployResult> {
    const spec = revisionSpec(revision);
    const fail = (reason: Exclude<DeployResult, { ok: true }>["reason"], detail: string): DeployResult => ({
      ok: false,
      reason,
      message: failureMessage(spec.revision, reason, detail, revisionPort(revision), hasCustomStartupProbe(revision)),
    });
    if (!this.ctx.runtime.images.resolve(spec.image))
      return fail("CONTAINER_MISSING", `Image '${spec.image}' not found.`);
    const container = ingressContainer({ containers: revision.containers });
    for (const { name, ref } of secretRefs(container)) {
      const index = (container?.env ?? []).findIndex((e) => e.name === name);
      try {
        await this.ctx.secrets.check(spec.project, ref);
      } catch (err) {
        return fail(
          "SECRETS_ACCESS_CHECK_FAILED",
          `spec.template.containers[0].env[${index}].value_source.secret_key_ref: ${(err as Error).message}`,
        );
      }
    }
    this.deploying.add(revision.name);
    try {
      const result = await this.ctx.runtime.deploy(spec);
      if (result.ok) return result;
      if (this.superseded.delete(revision.name)) {
        return {
          ok: false,
          reason: result.reason,
          message: `Revision '${spec.revision}' was replaced by a newer revision before it became ready.`,
        };
      }
      return fail(result.reason, result.message);
    } finally {
      this.deploying.delete(revision.name);
    }
  }

  /** Why the traffic targets cannot all be routed, or null. */
  private async routesProblem(service: Service): Promise<string | null> {
    for (const t of service.traffic ?? []) {
      if (t.type === "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST") {
        if (!service.latestReadyRevision) return "No revision of this service is ready to receive the LATEST traffic.";
        continue;
      }
      const r = await this.ctx.store.getRevision(revisionName(service.name, t.revision ?? ""));
      if (!r)
        return `Revision '${t.revision}' does not exist or is deleted. Update all traffic to route to currently available revisions.`;
      if (readyState(r.conditions) !== "CONDITION_SUCCEEDED")
        return `Revision '${t.revision}' referenced in traffic is not ready.`;
    }
    return null;
  }

  private async reconcile(op: StoredOperation): Promise<void> {
    const { ctx } = this;
    const name = op.target;
    let revision = op.revision ? await ctx.store.getRevision(op.revision) : null;
    if (revision && readyState(revision.conditions) === "CONDITION_RECONCILING") {
      const result = await this.deploy(revision);
      if (this.stopping) return;
      revision = await ctx.locks.run(name, async () => {
        const current = await ctx.store.getRevision(revision!.name);
        if (!current) return null;
        const now = new Date();
        const settled = {
          ...current,
          reconciling: false,
          updateTime: toTimestamp(now),
          etag: newEtag(),
          conditions: result.ok ? revisionReady(now) : revisionFailed(now, result.reason, result.message),
        };
        await ctx.store.updateRevision(ctx.store.db, settled);
        ctx.log.info(result.ok ? "revision ready" : "revision failed", {
          revision: current.name,
          ...(result.ok ? {} : { reason: result.reason }),
        });
        return settled;
      });
    }
    const revisionFailure =
      revision && readyState(revision.conditions) === "CONDITION_FAILED"
        ? (revision.conditions?.find((c) => c.type === "Ready")?.message ?? "The revision failed.")
        : null;

    const settled = await ctx.locks.run(name, async () => {
      const stored = await ctx.store.getService(name);
      if (!stored) {
        await ctx.ops.complete(ctx.store.db, op.name, {
          error: { code: Code.ABORTED, message: "The service was deleted before the operation finished." },
        });
        return null;
      }
      const service: Service = { ...stored.service };
      if (
        revision &&
        readyState(revision.conditions) === "CONDITION_SUCCEEDED" &&
        service.latestCreatedRevision === revision.name
      ) {
        service.latestReadyRevision = revision.name;
      }
      let failure = revisionFailure;
      if (Number(service.generation) === op.generation) {
        // A generation whose revision failed changes no routing at all: traffic stays where it was.
        const routes = revisionFailure ? null : await this.routesProblem(service);
        if (!revisionFailure && !routes) {
          service.trafficStatuses = trafficStatuses(service.traffic ?? []);
          service.uri = `http://${stored.host}:${ctx.routerPort()}`;
        }
        failure ??= routes;
        const now = new Date();
        Object.assign(service, failure ? serviceFailed(now, failure, !routes) : serviceReady(now));
        if (!failure) service.observedGeneration = service.generation;
        service.reconciling = false;
      }
      // Otherwise a newer operation owns the service's status; this one only reports its revision.
      service.etag = newEtag();
      const final = canonicalService(ctx.codec, service);
      await this.sync({ ...stored, service: final });
      await inTransaction(ctx.store.db, async (q) => {
        await ctx.store.updateService(q, final);
        await ctx.ops.complete(
          q,
          op.name,
          failure ? { error: { code: Code.FAILED_PRECONDITION, message: failure } } : { response: final },
          final,
        );
      });
      return final;
    });
    ctx.ops.notifyDone(op.name);
    if (settled)
      ctx.log.info("operation done", { operation: op.name, service: name, ready: settled.terminalCondition?.state });
  }

  /** Points the router at what the service's traffic_statuses say, starting or retiring pools. */
  async sync(stored: StoredService): Promise<void> {
    const { runtime, store } = this.ctx;
    const { service, project, location, serviceId, host } = stored;
    const route = routeFor(service, project, location, serviceId, host);
    const wanted = new Set([...route.split.map((s) => s.revision), ...route.tags.map((t) => t.revision)]);
    for (const r of wanted) {
      if (runtime.isRegistered(project, location, r)) continue;
      const revision = await store.getRevision(revisionName(service.name, r));
      if (revision && readyState(revision.conditions) === "CONDITION_SUCCEEDED")
        runtime.register(revisionSpec(revision));
    }
    runtime.setRoute(route);
    await this.exposeLocally(route);
    for (const r of runtime.revisionsOf(project, location, serviceId)) {
      if (!wanted.has(r) && !this.deploying.has(revisionName(service.name, r)))
        void runtime.retire(project, location, r);
    }
  }

  /** The service host and its tag hosts on ports of their own (the URL form every resolver handles). */
  private async exposeLocally(route: ServiceRoute): Promise<void> {
    const hosts = [route.hosts[0], ...route.tags.map((t) => t.hosts[0])];
    try {
      const saved = await this.ctx.store.localPorts(hosts);
      const bound = await this.ctx.runtime.router.local.expose(route.key, hosts, saved);
      const changed = Object.fromEntries(Object.entries(bound).filter(([h, p]) => saved[h] !== p));
      if (Object.keys(changed).length) await this.ctx.store.saveLocalPorts(changed);
    } catch (err) {
      this.ctx.log.warn("could not give a service its own port", { service: route.key, error: String(err) });
    }
  }

  private async finishServiceDelete(op: StoredOperation): Promise<void> {
    const { project, location, service } = parseServiceName(op.target);
    this.ctx.runtime.removeRoute(op.target);
    await Promise.all(
      this.ctx.runtime
        .revisionsOf(project, location, service)
        .map((r) => this.ctx.runtime.retire(project, location, r)),
    );
    await this.ctx.ops.complete(this.ctx.store.db, op.name, { response: op.metadata });
    this.ctx.ops.notifyDone(op.name);
  }

  private async finishRevisionDelete(op: StoredOperation): Promise<void> {
    const { project, location, revision } = parseRevisionName(op.target);
    await this.ctx.runtime.retire(project, location, revision);
    await this.ctx.ops.complete(this.ctx.store.db, op.name, { response: op.metadata });
    this.ctx.ops.notifyDone(op.name);
  }
}
