// pyplots-frontend: the pyplots.ai web front end (server-rendered pages).
import { page, runContainer, wantsHtml } from "./lib/container.mjs";

const api = process.env.NEXT_PUBLIC_API_URL ?? "http://localhost:8000";

runContainer({
  routes: {
    "GET /": ({ req }) =>
      wantsHtml(req)
        ? page("pyplots.ai", `<p>Plot examples for every Python library.</p><p>API: ${api}</p>`)
        : { name: "pyplots-frontend", api },
    "GET /plots/:id": ({ req, params }) =>
      wantsHtml(req)
        ? page(`pyplots: ${params.id}`, `<img alt="${params.id}" src="${api}/plots/${params.id}">`)
        : { plot: params.id, api },
  },
});
