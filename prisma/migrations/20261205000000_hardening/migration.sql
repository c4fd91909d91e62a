-- Hardening (issue 14).
-- An action's audit row is written as "started" before it acts, then given its outcome.
ALTER TYPE "AuditOutcome" ADD VALUE 'started';
-- The operation an action started, linked in the transaction that creates the operation row.
ALTER TABLE "audit_events" ADD COLUMN "operation_id" UUID;
-- Revocable sessions: a session cookie names the version it was issued at;
-- signing out moves the version on, so every earlier cookie stops working.
ALTER TABLE "users" ADD COLUMN "session_version" INTEGER NOT NULL DEFAULT 0;
