// pyplots-api: the catalogue of plot examples behind pyplots.ai.
import { log, runContainer } from "./lib/container.mjs";

const PLOTS = [
  { id: "scatter-basic", library: "matplotlib", title: "Basic scatter plot" },
  { id: "line-timeseries", library: "plotly", title: "Time series line chart" },
  { id: "heatmap-correlation", library: "seaborn", title: "Correlation heatmap" },
  { id: "bar-grouped", library: "bokeh", title: "Grouped bar chart" },
  { id: "violin-distribution", library: "seaborn", title: "Violin plot" },
];

runContainer({
  routes: {
    "GET /": () => ({
      name: "pyplots-api",
      environment: process.env.ENVIRONMENT ?? "development",
      bucket: process.env.GCS_BUCKET ?? null,
      database: process.env.DATABASE_URL ? "configured" : "missing",
    }),
    "GET /plots": ({ query }) => {
      const lib = query.get("library");
      const plots = lib ? PLOTS.filter((p) => p.library === lib) : PLOTS;
      return { plots, count: plots.length };
    },
    "GET /plots/:id": ({ params }) => {
      const plot = PLOTS.find((p) => p.id === params.id);
      if (!plot) {
        log("WARNING", `plot not found: ${params.id}`);
        return { status: 404, body: { error: "plot not found" } };
      }
      return { plot, imageUrl: `gs://${process.env.GCS_BUCKET ?? "pyplots-images"}/${plot.id}.png` };
    },
  },
});
