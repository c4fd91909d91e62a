// pyplots-api: the catalogue of plot examples behind pyplots.ai. With a
// DATABASE_URL (the db-connection-string secret) it reads and deletes rows of
// the `plots` table in its Cloud SQL database, connecting per request so a
// password change or a restore shows up at once; without one (synthetic and
// test services) it serves a small built-in catalogue.
import pg from "pg";
import { log, runContainer } from "./lib/container.mjs";

const BUILT_IN = [
  { id: "scatter-basic", library: "matplotlib", title: "Basic scatter plot" },
  { id: "line-timeseries", library: "plotly", title: "Time series line chart" },
  { id: "heatmap-correlation", library: "seaborn", title: "Correlation heatmap" },
  { id: "bar-grouped", library: "bokeh", title: "Grouped bar chart" },
  { id: "violin-distribution", library: "seaborn", title: "Violin plot" },
];

// DB_PASSWORD (the db-password secret), when set, wins over the URL's own
// password: rotating the password then needs only that secret, the Cloud SQL
// user and a new revision.
function connectionUrl() {
  const raw = process.env.DATABASE_URL ?? "";
  if (!/^postgres(ql)?:\/\//.test(raw)) return null;
  if (!process.env.DB_PASSWORD) return raw;
  const url = new URL(raw);
  url.password = encodeURIComponent(process.env.DB_PASSWORD);
  return url.toString();
}

const databaseUrl = connectionUrl();

/** Runs one query on a fresh connection; database failures become a 500 that says what went wrong (never the URL). */
async function query(sql, params = []) {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: 5000 });
  client.on("error", () => {});
  try {
    await client.connect();
    return await client.query(sql, params);
  } finally {
    await client.end().catch(() => {});
  }
}

function dbFailure(err) {
  const rejected = err.code === "28P01" || err.code === "28000";
  const error = rejected
    ? "database rejected the credentials (password authentication failed)"
    : `database unavailable: ${err.message}`;
  log("ERROR", error, { code: err.code });
  return { status: 500, body: { error } };
}

const toPlot = (r) => ({ id: r.slug, library: r.library, title: r.title, createdAt: r.created_at });

async function listPlots(lib) {
  if (!databaseUrl) {
    const plots = lib ? BUILT_IN.filter((p) => p.library === lib) : BUILT_IN;
    return { plots, count: plots.length };
  }
  try {
    const { rows } = await query(
      "SELECT slug, library, title, created_at FROM plots WHERE $1::text IS NULL OR library = $1 ORDER BY id",
      [lib],
    );
    return { plots: rows.map(toPlot), count: rows.length };
  } catch (err) {
    return dbFailure(err);
  }
}

async function findPlot(id) {
  if (!databaseUrl) return BUILT_IN.find((p) => p.id === id);
  const { rows } = await query("SELECT slug, library, title, created_at FROM plots WHERE slug = $1", [id]);
  return rows[0] && toPlot(rows[0]);
}

const notFound = (id) => {
  log("WARNING", `plot not found: ${id}`);
  return { status: 404, body: { error: "plot not found" } };
};

runContainer({
  routes: {
    "GET /": () => ({
      name: "pyplots-api",
      environment: process.env.ENVIRONMENT ?? "development",
      bucket: process.env.GCS_BUCKET ?? null,
      database: process.env.DATABASE_URL ? "configured" : "missing",
    }),
    "GET /plots": ({ query: q }) => listPlots(q.get("library")),
    "GET /plots/:id": async ({ params }) => {
      try {
        const plot = await findPlot(params.id);
        if (!plot) return notFound(params.id);
        return { plot, imageUrl: `gs://${process.env.GCS_BUCKET ?? "pyplots-images"}/${plot.id}.png` };
      } catch (err) {
        return dbFailure(err);
      }
    },
    "DELETE /plots/:id": async ({ params }) => {
      if (!databaseUrl) return { status: 501, body: { error: "no database configured" } };
      try {
        const { rowCount } = await query("DELETE FROM plots WHERE slug = $1", [params.id]);
        if (!rowCount) return notFound(params.id);
        log("NOTICE", `plot deleted: ${params.id}`);
        return { deleted: params.id };
      } catch (err) {
        return dbFailure(err);
      }
    },
  },
});
