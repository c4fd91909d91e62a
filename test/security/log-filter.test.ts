// Finding (issue 17): a NUL in a Cloud Logging text filter crashed the
// emulator's ListLogEntries, and the portal showed a 502. The emulator answers
// INVALID_ARGUMENT as Google does; the portal says plainly what to change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator } from "../emulator";
import { Invalid } from "@/lib/errors";
import { observabilityClients } from "@/lib/gcp/clients";
import { listLogs, LogQuery } from "@/lib/observability";

let endpoint: string;
let stop: () => Promise<void>;
beforeAll(async () => {
  const t = await startTestEmulator();
  endpoint = t.emulator.endpoint;
  stop = () => t.emulator.stop();
}, 120_000);
afterAll(async () => {
  await stop?.();
});

describe("a NUL in a log search", () => {
  it("the emulator answers INVALID_ARGUMENT, as Google does", async () => {
    const { logging } = observabilityClients({ emulatorHost: endpoint });
    const err = await logging
      .listLogEntries({ resourceNames: ["projects/pyplots-prod"], filter: '"abc\u0000def"' }, { autoPaginate: false })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 3, details: "Invalid filter: a NUL character at position 5" });
  });

  it("the portal turns it into a plain message the person can act on", async () => {
    const query = LogQuery.parse({ project: "pyplots-prod", text: "abc\u0000def" });
    const err = await listLogs(query, null, observabilityClients({ emulatorHost: endpoint })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Invalid);
    expect((err as Error).message).toMatch(
      /^Cloud Logging cannot run this search \(Invalid filter: a NUL character at position \d+\)\. Change the search text or filters and try again\.$/,
    );
  });
});
