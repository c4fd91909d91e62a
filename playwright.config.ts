import { defineConfig, devices } from "@playwright/test";
import { chromiumPath } from "./scripts/chromium-path";

// The portal is started the way the README starts it (`npm start`), on its own
// ports and a fresh data folder, so e2e runs never touch a developer's .data/.
// E2E_* variables move a run to other ports (two runs on one machine).
const envPort = (name: string, fallback: number) => Number(process.env[name] || fallback);
export const E2E = {
  port: envPort("E2E_PORT", 3100),
  pgPort: envPort("E2E_PG_PORT", 54339),
  dataDir: process.env.E2E_PORT ? `.data-e2e-${process.env.E2E_PORT}` : ".data-e2e",
  emulatorGrpcPort: envPort("E2E_EMULATOR_GRPC_PORT", 8096),
  emulatorRouterPort: envPort("E2E_EMULATOR_ROUTER_PORT", 8097),
};
const baseURL = `http://localhost:${E2E.port}`;

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  // One portal, shared accounts: specs run one at a time.
  workers: 1,
  fullyParallel: false,
  // No retries, in CI too: a retry hides a flaky first attempt, and specs share one portal's state.
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    { name: "setup", testMatch: /.*\.setup\.ts/ },
    { name: "chromium", use: { ...devices["Desktop Chrome"] }, dependencies: ["setup"] },
  ],
  webServer: {
    command: `rm -rf ${E2E.dataDir} && npm start`,
    url: `${baseURL}/api/health`,
    timeout: 600_000,
    reuseExistingServer: false,
    gracefulShutdown: { signal: "SIGTERM", timeout: 20_000 },
    stdout: "pipe",
    env: {
      PORT: String(E2E.port),
      RUNWAY_DATA_DIR: E2E.dataDir,
      RUNWAY_PG_PORT: String(E2E.pgPort),
      EMULATOR_GRPC_PORT: String(E2E.emulatorGrpcPort),
      EMULATOR_ROUTER_PORT: String(E2E.emulatorRouterPort),
      DATABASE_URL: "",
      GCP_EMULATOR_HOST: "",
      GCP_PROJECTS: "",
      // No synthetic background traffic: tests make their own.
      EMULATOR_TRAFFIC: "off",
      // The tests play the front end that appends the client's address (as Cloud Run's does), so each can be its own client.
      RUNWAY_TRUSTED_PROXY_HOPS: "1",
    },
  },
});
