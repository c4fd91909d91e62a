// intentvision-worker: drains the classification queue in the background and
// answers only health and status over HTTP.
import { log, runContainer } from "./lib/container.mjs";

let batches = 0;
let processed = 0;
let timer;

runContainer({
  routes: {
    "GET /": () => ({ name: "intentvision-worker", batches, processed }),
    "POST /tasks/drain": () => {
      const n = 1 + Math.floor(Math.random() * 25);
      batches++;
      processed += n;
      log("INFO", `drained ${n} queued classifications`, { batch: batches });
      return { drained: n, batches, processed };
    },
  },
  onStart: () => {
    timer = setInterval(() => {
      const n = Math.floor(Math.random() * 10);
      batches++;
      processed += n;
      log("DEBUG", `processed batch ${batches} (${n} items)`);
    }, 15_000);
    timer.unref();
  },
  onStop: () => clearInterval(timer),
});
