// hello: stands in for Google's sample image
// (us-docker.pkg.dev/cloudrun/container/hello), handy for quick deploys.
import { page, runContainer, servedBy, wantsHtml } from "./lib/container.mjs";

runContainer({
  routes: {
    "GET /": ({ req }) =>
      wantsHtml(req)
        ? page("It's running!", `<p>Congratulations, ${servedBy.service} is running.</p>`)
        : { message: "Hello World!" },
  },
});
