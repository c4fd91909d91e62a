// Prisma CLI configuration. Prisma 6.19 runs fully offline with its WebAssembly
// schema engine when it talks to Postgres through the pg driver adapter
// (see docs/decisions/0001-prisma-offline.md).
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";

const NAME_OID = 19;
const TEXT_OID = 25;

// The pg adapter rejects the `name` column type that the schema engine's catalog
// queries return (prisma/orm#27403): report it as text. Patched on the shared
// prototype so that transactions get the fix as well.
function reportNameAsText(adapter: object) {
  const queryable = Object.getPrototypeOf(Object.getPrototypeOf(adapter));
  if (queryable.__nameAsText) return;
  const performIO = queryable.performIO;
  queryable.performIO = async function (this: unknown, ...args: unknown[]) {
    const result = await performIO.apply(this, args);
    for (const field of result.fields ?? []) if (field.dataTypeID === NAME_OID) field.dataTypeID = TEXT_OID;
    return result;
  };
  queryable.__nameAsText = true;
}

// Built from a connectionString, the factory's shadow database would be the main
// one (the string wins over the `database` override), so pass separate fields.
function poolConfig(url: string) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)),
  };
}

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  async adapter() {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL must be set for Prisma CLI commands");
    const factory = new PrismaPg(poolConfig(url));
    const connect = factory.connect.bind(factory);
    const connectToShadowDb = factory.connectToShadowDb.bind(factory);
    factory.connect = async () => {
      const adapter = await connect();
      reportNameAsText(adapter);
      return adapter;
    };
    factory.connectToShadowDb = async () => {
      const adapter = await connectToShadowDb();
      reportNameAsText(adapter);
      return adapter;
    };
    return factory;
  },
});
