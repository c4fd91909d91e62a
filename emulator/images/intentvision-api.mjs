// intentvision-api: classifies the intent behind a search query.
import { log, runContainer, settings } from "./lib/container.mjs";

const INTENTS = ["purchase", "compare", "support", "learn", "navigate"];
const classify = (text) => {
  let h = 0;
  for (const ch of String(text)) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return { intent: INTENTS[h % INTENTS.length], confidence: 0.55 + (h % 45) / 100 };
};

runContainer({
  routes: {
    "GET /": () => ({
      name: "intentvision-api",
      environment: process.env.NODE_ENV ?? "development",
      // Say whether the database is configured, never what its URL is.
      database: process.env.TURSO_URL ? "configured" : "missing",
    }),
    "GET /v1/intents": ({ query }) => ({ query: query.get("q") ?? "", ...classify(query.get("q") ?? "") }),
    "POST /v1/classify": ({ body }) => {
      const text = typeof body === "object" && body ? body.text : body;
      const result = classify(text ?? "");
      log("INFO", "classified query", { intent: result.intent, chars: String(text ?? "").length });
      return result;
    },
  },
  onStart: () => {
    if (!process.env.TURSO_TOKEN) log("WARNING", "TURSO_TOKEN is not set; database calls will fail");
    log("DEBUG", "model warmed", { revision: settings.revision });
  },
});
