// Runs once when a portal server starts (Node.js runtime only).
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startPortal } = await import("./lib/startup");
    await startPortal();
  }
}
