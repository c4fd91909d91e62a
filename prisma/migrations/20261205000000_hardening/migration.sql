-- Hardening (issue 14).
-- An action's audit row is written as "started" before it acts, then given its outcome.
ALTER TYPE "AuditOutcome" ADD VALUE 'started';
-- The operation an action started, linked in the transaction that creates the operation row.
ALTER TABLE "audit_events" ADD COLUMN "operation_id" UUID;
-- Revocable sessions: a session cookie names its session, and sign-out lists it here
-- until the cookie would have expired, and a listed session is refused.
CREATE TABLE "revoked_sessions" (
    "session_id" UUID NOT NULL,
    "revoked_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "revoked_sessions_pkey" PRIMARY KEY ("session_id")
);
CREATE INDEX "revoked_sessions_expires_at_idx" ON "revoked_sessions"("expires_at");
