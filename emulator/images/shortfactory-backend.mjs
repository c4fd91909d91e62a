// shortfactory-backend: turns scripts into short videos (render jobs).
import { randomUUID } from "node:crypto";
import { log, runContainer } from "./lib/container.mjs";

const jobs = new Map();

runContainer({
  routes: {
    "GET /": () => ({
      name: "shortfactory-backend",
      jobs: jobs.size,
      gemini: process.env.GEMINI_API_KEY ? "configured" : "missing",
    }),
    "POST /render": ({ body }) => {
      const id = randomUUID();
      const job = {
        id,
        state: "RUNNING",
        script: typeof body === "object" && body ? (body.script ?? "") : "",
        createdAt: new Date().toISOString(),
      };
      jobs.set(id, job);
      log("INFO", "render job accepted", { job: id });
      setTimeout(() => {
        job.state = "SUCCEEDED";
        log("INFO", "render job finished", { job: id });
      }, 2000).unref();
      return { status: 202, body: { job } };
    },
    "GET /jobs/:id": ({ params }) => {
      const job = jobs.get(params.id);
      return job ? { job } : { status: 404, body: { error: "job not found" } };
    },
  },
});
