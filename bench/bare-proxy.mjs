// The floor for router-overhead: a node:http reverse proxy with nothing else
// (keep-alive agent, headers passed through, body piped), in a process of its
// own like the router. Prints its port on the IPC channel. Not a bench itself
// (bench/run.ts runs .ts files only).
import http from "node:http";

const upstream = Number(process.argv[2]);
const agent = new http.Agent({ keepAlive: true, maxSockets: 100 });
http
  .createServer((req, res) => {
    const up = http.request(
      { host: "127.0.0.1", port: upstream, method: req.method, path: req.url, headers: req.rawHeaders, agent },
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.rawHeaders);
        r.pipe(res);
      },
    );
    up.on("error", () => res.destroy());
    req.pipe(up);
  })
  .listen(0, "127.0.0.1", function () {
    process.send?.(this.address().port);
  });
