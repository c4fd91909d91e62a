// The seeded Cloud SQL estate: pyplots-db (the pyplots-api database, with a
// `plots` table, a login role whose password is the `db-password` secret and
// three automated daily backups) and pyplots-db-staging, an empty-ish
// instance to restore into. Runs after the fleet's secrets are seeded; the
// `db-connection-string` secret is rewritten to a real URL to pyplots-db.
import type { SecretStore } from "../secretmanager/store";
import type { SqlServer } from "./databases";
import type { SqlStore } from "./store";

const DAY = 86_400_000;
const LIBRARIES = ["matplotlib", "seaborn", "plotly"];
const KINDS: [string, string][] = [
  ["scatter-basic", "Basic scatter plot"],
  ["line-timeseries", "Time series line chart"],
  ["heatmap-correlation", "Correlation heatmap"],
  ["bar-grouped", "Grouped bar chart"],
  ["violin-distribution", "Violin plot"],
  ["histogram-stacked", "Stacked histogram"],
  ["box-comparison", "Box plot comparison"],
  ["area-stacked", "Stacked area chart"],
  ["pie-donut", "Donut chart"],
  ["contour-density", "Density contour"],
  ["bubble-sized", "Bubble chart"],
  ["errorbar-measure", "Error bars"],
];

export type SeedInstance = {
  project: string;
  name: string;
  region: string;
  backups: boolean;
  user: string;
  passwordSecret?: string;
  urlSecret?: string;
  plots: number;
};

export const SQL_SEED: SeedInstance[] = [
  {
    project: "pyplots-prod",
    name: "pyplots-db",
    region: "europe-west4",
    backups: true,
    user: "pyplots",
    passwordSecret: "db-password",
    urlSecret: "db-connection-string",
    plots: KINDS.length * LIBRARIES.length,
  },
  {
    project: "pyplots-prod",
    name: "pyplots-db-staging",
    region: "europe-west4",
    backups: false,
    user: "pyplots",
    plots: 3,
  },
];

function settings(backups: boolean) {
  return {
    kind: "sql#settings",
    tier: "db-custom-1-3840",
    activationPolicy: "ALWAYS",
    availabilityType: "ZONAL",
    pricingPlan: "PER_USE",
    dataDiskType: "PD_SSD",
    backupConfiguration: {
      kind: "sql#backupConfiguration",
      enabled: { value: backups },
      startTime: "03:00",
      pointInTimeRecoveryEnabled: { value: false },
      backupRetentionSettings: { retentionUnit: "COUNT", retainedBackups: { value: 7 } },
      transactionLogRetentionDays: { value: 7 },
    },
  };
}

const etag = () => Math.random().toString(16).slice(2);

export async function seedSql(
  deps: { store: SqlStore; server: SqlServer; secrets: SecretStore },
  now = new Date(),
): Promise<void> {
  const { store, server, secrets } = deps;
  for (const s of SQL_SEED) {
    const database = server.instanceDb(s.project, s.name);
    const role = server.role(s.project, s.name, s.user);
    const password = s.passwordSecret
      ? await secrets.resolve(s.project, { secret: s.passwordSecret, version: "latest" })
      : `staging-${etag()}${etag()}`;
    await server.drop(database);
    await server.createDatabase(database);
    await server.setPassword(role, password);
    await server.inDatabase(database, async (c) => {
      await c.query(`CREATE TABLE plots (
        id serial PRIMARY KEY, slug text NOT NULL UNIQUE, library text NOT NULL, title text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now())`);
      const rows = LIBRARIES.flatMap((lib) => KINDS.map(([kind, title]) => [`${kind}-${lib}`, lib, title])).slice(
        0,
        s.plots,
      );
      for (const [i, [slug, lib, title]] of rows.entries()) {
        await c.query("INSERT INTO plots (slug, library, title, created_at) VALUES ($1, $2, $3, $4)", [
          slug,
          lib,
          title,
          new Date(now.getTime() - (90 - i) * DAY),
        ]);
      }
    });
    await server.grantAll(database, [role]);
    await store.db.query(
      `INSERT INTO sql_instances (project, name, database, state, region, database_version, settings, create_time, etag)
       VALUES ($1, $2, $3, 'RUNNABLE', $4, 'POSTGRES_15', $5, $6, $7) ON CONFLICT DO NOTHING`,
      [
        s.project,
        s.name,
        database,
        s.region,
        JSON.stringify(settings(s.backups)),
        new Date(now.getTime() - 400 * DAY),
        etag(),
      ],
    );
    await store.db.query(
      "INSERT INTO sql_users (project, instance, name, role) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
      [s.project, s.name, s.user, role],
    );
    if (s.urlSecret)
      await secrets.replaceLatestValue(s.project, s.urlSecret, server.connectionUrl(database, role, password));
    if (s.backups) {
      // The automated daily backups of the last three days share one real
      // copy taken now (the data has not changed since): records for the
      // list, a real restore source behind each.
      const copy = `${server.prefix}_bak_seed_${database.slice(server.prefix.length + 1)}`.slice(0, 63);
      await server.drop(copy);
      await server.snapshot(database, copy);
      for (let d = 3; d >= 1; d--) {
        const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - d, 3, 0));
        await store.db.query(
          `INSERT INTO sql_backup_runs (project, instance, status, type, description, enqueued_time, start_time, end_time, window_start_time, backup_db)
           VALUES ($1, $2, 'SUCCESSFUL', 'AUTOMATED', '', $3, $4, $5, $3, $6)`,
          [s.project, s.name, day, new Date(day.getTime() + 40_000), new Date(day.getTime() + 160_000), copy],
        );
      }
    }
  }
}
