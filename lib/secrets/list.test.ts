import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../../test/emulator";
import { secretsClient } from "../gcp/clients";
import { listFleet } from "../services";
import { EMULATOR_DEFAULT_LOCATIONS } from "../services/locations";
import { listSecrets } from "./list";

let stop: () => Promise<void>;
let result: Awaited<ReturnType<typeof listSecrets>>;

beforeAll(async () => {
  const t = await startTestEmulator();
  stop = () => t.emulator.stop();
  const fleet = await listFleet(EMULATOR_DEFAULT_LOCATIONS, t.clients);
  result = await listSecrets(
    ["pyplots-prod", "intentvision-prod"],
    fleet.services,
    secretsClient({ emulatorHost: t.emulator.endpoint }),
  );
}, 120_000);

afterAll(async () => {
  await stop?.();
});

describe("listSecrets", () => {
  it("lists each project's secrets with versions and the services that read them", () => {
    const pyplots = result.find((p) => p.project === "pyplots-prod")!;
    expect(pyplots.error).toBeNull();
    expect(pyplots.secrets.map((s) => s.id)).toEqual(
      expect.arrayContaining(["anthropic-api-key", "db-connection-string", "db-password", "github-token"]),
    );
    const conn = pyplots.secrets.find((s) => s.id === "db-connection-string")!;
    expect(conn.versions.length).toBeGreaterThan(0);
    expect(conn.versions[0].state).toBe("ENABLED");
    expect(conn.references).toEqual([
      expect.objectContaining({
        service: "pyplots-api",
        env: "DATABASE_URL",
        version: "latest",
        resolves: expect.stringMatching(/^\d+$/),
      }),
    ]);
    expect(pyplots.secrets.find((s) => s.id === "github-token")!.references).toEqual([]);
  });

  it("shows both intentvision services reading the Turso secrets", () => {
    const iv = result.find((p) => p.project === "intentvision-prod")!;
    const url = iv.secrets.find((s) => s.id === "intentvision-turso-url")!;
    expect(url.references.map((r) => r.service).sort()).toEqual(["intentvision-api", "intentvision-worker"]);
  });

  it("carries no secret values", () => {
    expect(JSON.stringify(result)).not.toMatch(/payload|turso:\/\/|postgres(ql)?:\/\//);
  });
});
