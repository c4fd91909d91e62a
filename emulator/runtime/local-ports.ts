// Per-host ports: the service URL form that resolves everywhere. Node's
// resolver (glibc on Debian) does not resolve `*.localhost`, so a program on
// this machine cannot reach `http://{service}.{region}.localhost:8087`. Each
// service host and tag host therefore also listens on a port of its own on
// the router's address; a request there reaches that host's route whatever
// its Host header says, so apps with absolute paths and tag URLs work as on
// the shared port. The caller chooses which port to try first (the one the
// host had before, so URLs survive restarts) and gets any free one when it is
// taken.
import http from "node:http";
import type net from "node:net";

type HostHandler = (req: http.IncomingMessage, res: http.ServerResponse, host: string) => void;
type Listener = { server: http.Server; port: number; sockets: Set<net.Socket> };

export class LocalPorts {
  private address = "127.0.0.1";
  private closed = false;
  private readonly listeners = new Map<string, Promise<Listener>>();
  private readonly ports = new Map<string, number>();
  /** Route key → the hosts it exposes. */
  private readonly owners = new Map<string, Set<string>>();

  constructor(private readonly handler: HostHandler) {}

  /** The address the router listens on; per-host ports bind there too. */
  bindTo(address: string): void {
    this.address = address;
  }

  /** The URL of a host's own port, for programs on this machine; undefined when it has none. */
  urlOf(host: string): string | undefined {
    const port = this.ports.get(host);
    if (port === undefined) return undefined;
    const a = ["0.0.0.0", "::", ""].includes(this.address)
      ? "127.0.0.1"
      : this.address.includes(":")
        ? `[${this.address}]`
        : this.address;
    return `http://${a}:${port}`;
  }

  /**
   * Gives each of a route's hosts its own port (`preferred[host]` first) and
   * closes the ports of hosts the route no longer has (a removed tag).
   * Returns host → port.
   */
  async expose(
    routeKey: string,
    hosts: string[],
    preferred: Record<string, number> = {},
  ): Promise<Record<string, number>> {
    if (this.closed) return {};
    const before = this.owners.get(routeKey) ?? new Set<string>();
    this.owners.set(routeKey, new Set(hosts));
    await Promise.all([...before].filter((h) => !hosts.includes(h)).map((h) => this.closeHost(h)));
    const bound: Record<string, number> = {};
    for (const host of hosts) bound[host] = (await this.open(host, preferred[host])).port;
    return bound;
  }

  /** The route went away: its ports close. */
  async release(routeKey: string): Promise<void> {
    const hosts = this.owners.get(routeKey);
    this.owners.delete(routeKey);
    await Promise.all([...(hosts ?? [])].map((h) => this.closeHost(h)));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.listeners.keys()].map((h) => this.closeHost(h)));
  }

  private open(host: string, preferred: number | undefined): Promise<Listener> {
    const existing = this.listeners.get(host);
    if (existing) return existing;
    const pending = this.listen(host, preferred);
    this.listeners.set(host, pending);
    pending.then(
      (l) => this.listeners.get(host) === pending && this.ports.set(host, l.port),
      () => this.listeners.get(host) === pending && this.listeners.delete(host),
    );
    return pending;
  }

  private async listen(host: string, preferred: number | undefined): Promise<Listener> {
    const sockets = new Set<net.Socket>();
    const server = http.createServer((req, res) => this.handler(req, res, host));
    server.keepAliveTimeout = 65_000;
    server.on("connection", (s) => {
      sockets.add(s);
      s.once("close", () => sockets.delete(s));
    });
    const tryPort = (port: number) =>
      new Promise<number>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, this.address, () => {
          server.off("error", reject);
          resolve((server.address() as net.AddressInfo).port);
        });
      });
    let port: number;
    try {
      port = await tryPort(preferred ?? 0);
    } catch (err) {
      if (!preferred || (err as NodeJS.ErrnoException).code !== "EADDRINUSE") throw err;
      port = await tryPort(0);
    }
    return { server, port, sockets };
  }

  private async closeHost(host: string): Promise<void> {
    const pending = this.listeners.get(host);
    if (!pending) return;
    this.listeners.delete(host);
    this.ports.delete(host);
    const l = await pending.catch(() => null);
    if (!l) return;
    const closed = new Promise<void>((resolve) => l.server.close(() => resolve()));
    for (const s of l.sockets) s.destroy();
    await closed;
  }
}
