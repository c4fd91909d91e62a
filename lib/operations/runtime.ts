// The process's job queue, started by lib/startup.ts; actions enqueue through it.
// Kept on globalThis: Next.js bundles instrumentation and routes separately, so
// a plain module variable set at start-up would not be seen by server actions.
import type { Jobs } from "./jobs";

const slot = globalThis as typeof globalThis & { __runwayJobs?: Jobs | null };

export function setJobs(jobs: Jobs | null): void {
  slot.__runwayJobs = jobs;
}

export async function enqueueFollow(operationId: string): Promise<void> {
  if (!slot.__runwayJobs) throw new Error("the job queue has not been started");
  await slot.__runwayJobs.enqueueFollow(operationId);
}
