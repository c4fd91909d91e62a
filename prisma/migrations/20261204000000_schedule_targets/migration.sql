-- Scheduled work (#16): targets per Cloud Scheduler job.
CREATE TABLE "schedule_targets" (
    "job" TEXT NOT NULL,
    "max_duration_seconds" INTEGER,
    "max_freshness_hours" INTEGER,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "schedule_targets_pkey" PRIMARY KEY ("job")
);

-- The plan's targets for the AI usage analytics daily pipeline: a run under
-- 10 minutes, data no older than 24 hours. Editable on the schedule's page.
INSERT INTO "schedule_targets" ("job", "max_duration_seconds", "max_freshness_hours", "updated_by", "updated_at")
VALUES ('projects/ai-usage-analytics-prod/locations/us-central1/jobs/ai-usage-daily-pipeline', 600, 24, 'plan: ai-usage-analytics', CURRENT_TIMESTAMP);
