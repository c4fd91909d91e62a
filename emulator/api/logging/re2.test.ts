// `=~` / `!~` in Logging filters take RE2 syntax, as on Google: checked through
// the official @google-cloud/logging client on entries this test writes.
import logging from "@google-cloud/logging";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createEmptyDatabase } from "../../../test/databases";
import { CALL, clientOptions, code, startTestEmulator, type TestEmulator } from "../../testing/harness";

const PROJECT = "re2-logs";
const RES = [`projects/${PROJECT}`];
let t: TestEmulator;
let log: InstanceType<typeof logging.v2.LoggingServiceV2Client>;

beforeAll(async () => {
  t = await startTestEmulator(await createEmptyDatabase(inject("pgAdminUrl"), "emu"));
  log = new logging.v2.LoggingServiceV2Client(clientOptions(t.emulator.grpcPort));
  await log.writeLogEntries(
    {
      logName: `projects/${PROJECT}/logs/app`,
      resource: { type: "global", labels: { project_id: PROJECT } },
      entries: [
        { insertId: "a", textPayload: "Payment FAILED for order 17" },
        { insertId: "b", textPayload: "payment failed for order 18" },
        { insertId: "c", textPayload: "payment ok for order 19" },
        { insertId: "d", textPayload: "shipping delayed" },
      ],
    },
    CALL,
  );
});
afterAll(async () => {
  await log?.close();
  await t?.close();
});

async function ids(filter: string): Promise<string[]> {
  const [entries] = await log.listLogEntries(
    { resourceNames: RES, filter, orderBy: "timestamp asc", pageSize: 100 },
    { ...CALL, autoPaginate: false },
  );
  return entries.map((e: { insertId?: string | null }) => e.insertId!).sort();
}

describe("Logging regular expressions (RE2)", () => {
  it("accepts RE2's (?i) flag and matches case-insensitively", async () => {
    expect(await ids('textPayload =~ "(?i)payment failed"')).toEqual(["a", "b"]);
    expect(await ids('textPayload =~ "payment failed"')).toEqual(["b"]);
  });

  it("matches anywhere in the value unless anchored, and negates with !~", async () => {
    expect(await ids('textPayload =~ "order 1[89]$"')).toEqual(["b", "c"]);
    expect(await ids('textPayload =~ "^order"')).toEqual([]);
    expect(await ids('textPayload !~ "(?i)^payment"')).toEqual(["d"]);
  });

  it("supports RE2 classes such as [[:digit:]] and \\pL", async () => {
    expect(await ids('textPayload =~ "order [[:digit:]]{2}" textPayload =~ "^\\\\pL+ ok"')).toEqual(["c"]);
  });

  it("refuses what RE2 refuses (lookahead, backreferences) with INVALID_ARGUMENT", async () => {
    for (const f of ['textPayload =~ "pay(?=ment)"', 'textPayload =~ "(a)\\\\1"', 'textPayload =~ "order ("']) {
      const err = await code(log.listLogEntries({ resourceNames: RES, filter: f }, CALL));
      expect(err.code).toBe(3);
      expect(err.details).toContain("invalid regular expression");
    }
  });
});
