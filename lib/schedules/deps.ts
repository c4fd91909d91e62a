// What schedule actions need beyond the action context: the Scheduler client,
// and Cloud Run's to tell whether a target URL is a covered service. Production
// uses the process's clients; tests pass their own.
import { runClients, schedulerClient, type RunClients } from "../gcp/clients";

export type ScheduleDeps = { scheduler: ReturnType<typeof schedulerClient>; run: RunClients };

export const portalScheduleDeps = (): ScheduleDeps => ({ scheduler: schedulerClient(), run: runClients() });
