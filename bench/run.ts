// `npm run bench -- <name>` runs bench/<name>.ts (its default export).
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

// The Google clients would otherwise probe the GCE metadata server for auth.
process.env.METADATA_SERVER_DETECTION ??= "none";

const here = path.dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && !["run.ts", "lib.ts"].includes(f))
  .map((f) => f.slice(0, -3));
const name = process.argv[2];

if (!name || !/^[a-z0-9-]+$/.test(name) || !existsSync(path.join(here, `${name}.ts`)) || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name>\navailable: ${available.join(", ")}`);
  process.exit(2);
}

const mod = (await import(pathToFileURL(path.join(here, `${name}.ts`)).href)) as {
  default: (args: string[]) => Promise<void>;
};
await mod.default(process.argv.slice(3));
