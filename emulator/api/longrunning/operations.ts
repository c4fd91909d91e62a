// google.longrunning.Operations on the Cloud Run port: the clients poll
// GetOperation with the same channel they used for the mutation.
import { invalid, notFound } from "../../grpc/errors";
import { pageOf, readPage } from "../../grpc/paging";
import type { Codec } from "../../grpc/protos";
import type { Handler } from "../../grpc/server";
import type { OperationStore, StoredOperation } from "./store";

/** Rewrites a stored resource for output (e.g. URLs for the current router port). */
export type Presenter = (typeName: StoredOperation["typeName"], resource: object) => object;

export function toProto(op: StoredOperation, codec: Codec, present: Presenter) {
  // protobufjs predefines google.protobuf.Any with the field spelled
  // `type_url`, whatever keepCase says: `typeUrl` would be dropped silently.
  const any = (value: object) => ({
    type_url: `type.googleapis.com/${op.typeName}`,
    value: codec.encode(op.typeName, present(op.typeName, value)),
  });
  return {
    name: op.name,
    metadata: any(op.metadata),
    done: op.done,
    ...(op.error ? { error: { code: op.error.code, message: op.error.message, details: [] } } : {}),
    ...(op.response ? { response: any(op.response) } : {}),
  };
}

function durationMs(d: { seconds?: string | number; nanos?: number } | undefined): number {
  return d ? Number(d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1e6) : 0;
}

/** `canonical` turns a project number in a name into the project id (operations are stored under the id). */
export function operationsHandlers(
  store: OperationStore,
  codec: Codec,
  present: Presenter,
  canonical: (name: string) => Promise<string>,
): Record<string, Handler> {
  const load = async (name: string) => {
    if (!name) throw invalid("name is required");
    const op = await store.get(await canonical(name));
    if (!op) throw notFound(`Operation "${name}" not found.`);
    return op;
  };
  return {
    async GetOperation(req: { name: string }) {
      return toProto(await load(req.name), codec, present);
    },

    async ListOperations(req: { name: string; filter?: string; pageSize?: number; pageToken?: string }) {
      if (!/^projects\/[^/]+\/locations\/[^/]+$/.test(req.name ?? ""))
        throw invalid(`Invalid name "${req.name ?? ""}": expected projects/{project}/locations/{location}`);
      const filter = (req.filter ?? "").replace(/\s+/g, "");
      const done = filter === "" ? undefined : filter === "done=true" ? true : filter === "done=false" ? false : null;
      if (done === null)
        throw invalid(`Unsupported filter "${req.filter}": only done=true and done=false are supported`);
      const page = readPage(req.pageSize, req.pageToken);
      const { items, nextPageToken } = pageOf(await store.list(await canonical(req.name), page, done), page);
      return { operations: items.map((op) => toProto(op, codec, present)), nextPageToken };
    },

    async DeleteOperation(req: { name: string }) {
      const op = await load(req.name);
      await store.delete(op.name);
      return {};
    },

    async WaitOperation(req: { name: string; timeout?: { seconds?: string; nanos?: number } }) {
      const deadline = Date.now() + Math.min(durationMs(req.timeout) || 60_000, 10 * 60_000);
      for (;;) {
        const op = await load(req.name);
        if (op.done || Date.now() >= deadline) return toProto(op, codec, present);
        const wanted = op.name;
        await new Promise<void>((resolve) => {
          const onDone = (name: string) => name === wanted && finish();
          const timer = setTimeout(finish, Math.min(1000, Math.max(0, deadline - Date.now())));
          function finish() {
            clearTimeout(timer);
            store.changes.off("done", onDone);
            resolve();
          }
          store.changes.on("done", onDone);
        });
      }
    },
  };
}
