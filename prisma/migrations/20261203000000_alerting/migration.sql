-- Alerting (issue #12): Runway's webhook channels (token hash only) and the
-- incidents Cloud Monitoring delivers to them, each state stored once.
CREATE TABLE "alert_webhook_channels" (
    "id" UUID NOT NULL,
    "project" TEXT NOT NULL,
    "channel_name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_webhook_channels_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "alert_webhook_channels_channel_name_key" ON "alert_webhook_channels"("channel_name");
CREATE INDEX "alert_webhook_channels_project_idx" ON "alert_webhook_channels"("project");

CREATE TABLE "alert_incidents" (
    "id" UUID NOT NULL,
    "incident_id" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "project" TEXT NOT NULL,
    "region" TEXT,
    "service" TEXT,
    "policy_display_name" TEXT NOT NULL,
    "policy_name" TEXT,
    "condition_name" TEXT NOT NULL,
    "template" TEXT,
    "summary" TEXT NOT NULL,
    "observed_value" TEXT,
    "threshold_value" TEXT,
    "url" TEXT,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" TEXT,
    "channel_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_incidents_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "alert_incidents_incident_id_key" ON "alert_incidents"("incident_id");
CREATE INDEX "alert_incidents_state_started_at_idx" ON "alert_incidents"("state", "started_at" DESC);
CREATE INDEX "alert_incidents_project_service_state_idx" ON "alert_incidents"("project", "service", "state");
ALTER TABLE "alert_incidents" ADD CONSTRAINT "alert_incidents_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "alert_webhook_channels"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "alert_incident_events" (
    "id" BIGSERIAL NOT NULL,
    "incident_id" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_incident_events_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "alert_incident_events_incident_id_state_key" ON "alert_incident_events"("incident_id", "state");
ALTER TABLE "alert_incident_events" ADD CONSTRAINT "alert_incident_events_incident_id_fkey" FOREIGN KEY ("incident_id") REFERENCES "alert_incidents"("incident_id") ON DELETE CASCADE ON UPDATE CASCADE;
