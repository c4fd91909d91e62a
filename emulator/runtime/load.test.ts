// Steady load: N requests per second to a host, answered counts by class, and
// rules refused with the field that is wrong.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, expect, it } from "vitest";
import { parseLoadRule, SteadyLoad } from "./load";

let server: http.Server;
let port = 0;
const hosts: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hosts.push(req.headers.host ?? "");
    res.writeHead(req.url === "/fail" ? 500 : 200).end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

it("sends about N requests a second with the service's Host, and counts the answers", async () => {
  const load = new SteadyLoad(() => port);
  load.set({ host: "svc.us-central1.localhost", rps: 40, path: "/fail" });
  const started = Date.now();
  while ((load.list()[0].answered["5xx"] ?? 0) < 20) await new Promise((r) => setTimeout(r, 20));
  const elapsed = Date.now() - started;
  load.clear();
  expect(load.list()).toEqual([]);
  // 20 answers at 40 req/s: half a second, not a burst.
  expect(elapsed).toBeGreaterThanOrEqual(400);
  expect(new Set(hosts)).toEqual(new Set([`svc.us-central1.localhost:${port}`]));
});

it.each([
  [{ host: "Bad Host", rps: 1 }, "host: give a service or tag host, e.g. pyplots-api.europe-west4.localhost"],
  [{ host: "a.localhost", rps: 0 }, "rps: give a number of requests per second above 0 and at most 500"],
  [{ host: "a.localhost", rps: 501 }, "rps: give a number of requests per second above 0 and at most 500"],
  [{ host: "a.localhost", rps: 1, path: "x" }, "path: must start with /"],
])("refuses %j", (rule, message) => {
  expect(() => parseLoadRule(rule)).toThrow(message);
});
