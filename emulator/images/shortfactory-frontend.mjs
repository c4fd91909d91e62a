// shortfactory-frontend: the Next.js front end of ShortFactory.
import { page, runContainer, wantsHtml } from "./lib/container.mjs";

runContainer({
  routes: {
    "GET /": ({ req }) =>
      wantsHtml(req) ? page("ShortFactory", "<p>Write a script, get a short.</p>") : { name: "shortfactory-frontend" },
    "GET /studio": ({ req }) =>
      wantsHtml(req) ? page("ShortFactory studio", "<textarea></textarea>") : { page: "studio" },
  },
});
