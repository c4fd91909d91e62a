-- Audit rows keep the portal's own request id. A client-sent x-request-id is kept apart.
ALTER TABLE "audit_events" ADD COLUMN "client_request_id" VARCHAR(64);
