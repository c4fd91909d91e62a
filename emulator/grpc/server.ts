// The gRPC server: unary handlers written as async functions, wrapped with
// fault injection and error mapping. Methods a module does not implement
// answer UNIMPLEMENTED (grpc-js does that for missing handlers).
import * as grpc from "@grpc/grpc-js";
import type { Logger } from "../log";
import { ApiError } from "./errors";
import type { Faults } from "./faults";

// Requests arrive as proto-loader objects; each handler narrows what it reads.
export type Handler = (request: any, call: grpc.ServerUnaryCall<any, any>) => Promise<object>;

export type GrpcServer = { server: grpc.Server; port: number };

export function createServer(): grpc.Server {
  return new grpc.Server({ "grpc.max_receive_message_length": 16 * 1024 * 1024 });
}

export function addUnaryService(
  server: grpc.Server,
  definition: grpc.ServiceDefinition,
  handlers: Record<string, Handler>,
  deps: { faults: Faults; log: Logger },
): void {
  const impl: grpc.UntypedServiceImplementation = {};
  for (const [name, handler] of Object.entries(handlers)) {
    const method = definition[name];
    if (!method) throw new Error(`no method ${name} in service definition`);
    impl[name] = (call: grpc.ServerUnaryCall<object, object>, callback: grpc.sendUnaryData<object>) => {
      void (async () => {
        try {
          const fault = await deps.faults.apply(method.path);
          if (fault) throw fault;
          callback(null, await handler(call.request, call));
        } catch (err) {
          if (err instanceof ApiError) {
            deps.log.debug("rpc failed", { method: method.path, code: grpc.status[err.code], error: err.message });
            callback({ code: err.code, details: err.message });
          } else {
            deps.log.error("rpc crashed", { method: method.path, error: (err as Error).stack ?? String(err) });
            callback({ code: grpc.status.INTERNAL, details: "internal error in the emulator" });
          }
        }
      })();
    };
  }
  server.addService(definition, impl);
}

export function bind(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    );
  });
}

/** Graceful shutdown, forced after a short wait (a client may keep a stream open). */
export function shutdown(server: grpc.Server, waitMs = 2000): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, waitMs);
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
