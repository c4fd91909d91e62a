// One Prisma client per process (and per database URL in tests), talking to
// Postgres through the pg driver adapter (no native query engine; see
// docs/decisions/0001-prisma-offline.md).
import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { config } from "./config";

export type Db = PrismaClient;
export type { Prisma } from "./generated/prisma/client";

const clients = new Map<string, PrismaClient>();

export function createDb(databaseUrl: string): PrismaClient {
  let client = clients.get(databaseUrl);
  if (!client) {
    client = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 10 }) });
    clients.set(databaseUrl, client);
  }
  return client;
}

/** The portal's database, from the validated configuration. */
export function db(): PrismaClient {
  return createDb(config().databaseUrl);
}
