-- Scheduled work (#16): targets per Cloud Scheduler job.
CREATE TABLE "schedule_targets" (
    "job" TEXT NOT NULL,
    "max_duration_seconds" INTEGER,
    "max_freshness_hours" INTEGER,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "schedule_targets_pkey" PRIMARY KEY ("job")
);
