// elevendops: one container with the API and the UI of a voice-ops console.
import { log, page, runContainer, wantsHtml } from "./lib/container.mjs";

const VOICES = [
  { id: "rachel", language: "en-US" },
  { id: "domi", language: "en-GB" },
  { id: "antoni", language: "es-ES" },
];

runContainer({
  routes: {
    "GET /": ({ req }) =>
      wantsHtml(req)
        ? page("ElevenDops", "<p>Voice operations console.</p>")
        : { name: "elevendops", ui: true, api: "/api" },
    "GET /api/voices": () => ({ voices: VOICES }),
    "POST /api/synthesize": ({ body }) => {
      const text = typeof body === "object" && body ? String(body.text ?? "") : String(body ?? "");
      if (!process.env.ELEVENLABS_API_KEY) log("WARNING", "ELEVENLABS_API_KEY missing; returning a silent clip");
      log("INFO", "synthesized clip", { characters: text.length });
      return { clip: `clip-${Date.now().toString(36)}`, characters: text.length, seconds: Math.ceil(text.length / 15) };
    },
  },
});
