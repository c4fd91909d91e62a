// relay: a test image for the router's own tests (router.test.ts), plain
// Node. Echoes bodies as they arrive, streams chunked answers, reports the
// client port it sees (keep-alive reuse), hangs, and dies on demand.
import { createHash } from "node:crypto";
import http from "node:http";

const json = (res, status, body) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
};

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://relay");
  const n = (name, fallback) => Number(url.searchParams.get(name) ?? fallback);
  switch (`${req.method} ${url.pathname}`) {
    case "GET /socket":
      return json(res, 200, { remotePort: req.socket.remotePort, headers: req.headers, rawHeaders: req.rawHeaders });
    case "POST /echo":
      // Each chunk goes back as it arrives: no buffering on this side.
      res.writeHead(200, { "content-type": "application/octet-stream" });
      return void req.pipe(res);
    case "POST /digest": {
      const hash = createHash("sha256");
      let bytes = 0;
      req.on("data", (c) => {
        bytes += c.length;
        hash.update(c);
      });
      return void req.on("end", () => json(res, 200, { bytes, sha256: hash.digest("hex") }));
    }
    case "GET /chunks": {
      const count = n("count", 10);
      const size = n("size", 1000);
      res.writeHead(200, { "content-type": "text/plain", "set-cookie": ["a=1", "b=2"] });
      let sent = 0;
      const next = () => {
        if (sent === count) return void res.end();
        sent++;
        res.write(Buffer.alloc(size, 97 + (sent % 26)));
        setTimeout(next, 1);
      };
      return next();
    }
    case "GET /hang":
      return; // never answers
    case "GET /die":
      return process.exit(1);
    case "GET /die-mid-body":
      res.writeHead(200, { "content-type": "text/plain", "content-length": "100000" });
      res.write("the first part of a body that never finishes\n");
      return void setTimeout(() => process.exit(1), 50);
    default:
      return json(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
  }
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
