// First-load JS per route of a `next build` (issue 13): the gzip size of every
// script a route's first load fetches, i.e. the root main files plus the entry
// chunks of the route's layouts, error/not-found boundaries and page, read
// from .next's build manifest and per-page client reference manifests
// (Next 16 no longer prints these sizes). Chunks loaded later (next/dynamic,
// React.lazy) are not counted.
//
//   npm run bench -- route-js [build dir, default .next] [baseline build dir] [--check]
//
// With a baseline directory (a copy of another build's .next: build-manifest.json,
// static/ and server/app/), both are printed side by side with the ratio.
// --check exits 1 when a route is over BUDGET_KB (for CI).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import vm from "node:vm";
import { gzipSync } from "node:zlib";

export const BUDGET_KB = 180;

type RscManifest = { entryJSFiles?: Record<string, string[]> };

function manifests(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = path.join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (f === "page_client-reference-manifest.js") out.push(p);
    }
  };
  walk(path.join(dir, "server/app"));
  return out;
}

/** Route → the set of chunk paths its first load fetches. */
export function routeChunks(dir: string): Map<string, Set<string>> {
  const build = JSON.parse(readFileSync(path.join(dir, "build-manifest.json"), "utf8")) as { rootMainFiles: string[] };
  const routes = new Map<string, Set<string>>();
  for (const file of manifests(dir)) {
    const sandbox: { self: Record<string, unknown>; globalThis?: unknown } = { self: {} };
    sandbox.globalThis = sandbox.self;
    vm.runInNewContext(readFileSync(file, "utf8"), sandbox);
    const byPage = (sandbox.self.__RSC_MANIFEST ?? {}) as Record<string, RscManifest>;
    for (const [page, m] of Object.entries(byPage)) {
      const route = page.replace(/\/page$/, "").replace(/\/\([^)]+\)/g, "") || "/";
      if (route.startsWith("/_")) continue;
      const chunks = new Set(build.rootMainFiles);
      for (const files of Object.values(m.entryJSFiles ?? {}))
        for (const f of files) if (f.endsWith(".js")) chunks.add(f);
      routes.set(route, chunks);
    }
  }
  return routes;
}

const gzCache = new Map<string, number>();
function gz(dir: string, chunk: string): number {
  const p = path.join(dir, chunk);
  if (!gzCache.has(p)) gzCache.set(p, gzipSync(readFileSync(p)).length);
  return gzCache.get(p)!;
}

export function routeSizes(dir: string): Map<string, number> {
  return new Map(
    [...routeChunks(dir)].map(([route, chunks]) => [route, [...chunks].reduce((s, c) => s + gz(dir, c), 0)]),
  );
}

const kb = (b: number | undefined) => (b === undefined ? "—" : `${(b / 1024).toFixed(1)} kB`);

export default async function routeJs(args: string[]) {
  const check = args.includes("--check");
  const [dir = ".next", baselineDir] = args.filter((a) => a !== "--check");
  if (!existsSync(path.join(dir, "build-manifest.json")))
    throw new Error(`${dir}: no build-manifest.json; run \`next build\` first`);
  const now = routeSizes(dir);
  const before = baselineDir ? routeSizes(baselineDir) : undefined;
  console.log(
    `first-load JS per route, gzip (budget ${BUDGET_KB} kB)${baselineDir ? `; baseline ${baselineDir}` : ""}`,
  );
  console.log(
    before
      ? "| route | baseline | now | ratio | budget |\n|---|---|---|---|---|"
      : "| route | first-load JS | budget |\n|---|---|---|",
  );
  const over: string[] = [];
  for (const [route, size] of [...now].sort((a, b) => a[0].localeCompare(b[0]))) {
    const ok = size <= BUDGET_KB * 1024;
    if (!ok) over.push(route);
    const mark = ok ? "ok" : "OVER";
    if (before) {
      const b = before.get(route);
      console.log(`| ${route} | ${kb(b)} | ${kb(size)} | ${b ? (b / size).toFixed(2) + "×" : "—"} | ${mark} |`);
    } else console.log(`| ${route} | ${kb(size)} | ${mark} |`);
  }
  if (check && over.length) {
    console.error(`over the ${BUDGET_KB} kB budget: ${over.join(", ")}`);
    process.exitCode = 1;
  }
}
