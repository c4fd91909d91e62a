-- Canary releases (issue 11): plans per service, releases and their logs.
CREATE TABLE "release_plans" (
    "service" TEXT NOT NULL,
    "plan" JSONB NOT NULL,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "release_plans_pkey" PRIMARY KEY ("service")
);

CREATE TABLE "releases" (
    "operation_id" UUID NOT NULL,
    "service" TEXT NOT NULL,
    "canary" TEXT NOT NULL,
    "canary_tag" TEXT NOT NULL,
    "plan" JSONB NOT NULL,
    "prior" JSONB NOT NULL,
    "stable" JSONB NOT NULL,
    "state" TEXT NOT NULL,
    "step_index" INTEGER NOT NULL DEFAULT 0,
    "step_started_at" TIMESTAMPTZ(3),
    "pending" JSONB,
    "etag" TEXT NOT NULL,
    "failed_in_row" INTEGER NOT NULL DEFAULT 0,
    "next_check_at" TIMESTAMPTZ(3),
    "google_errors" INTEGER NOT NULL DEFAULT 0,
    "retry_at" TIMESTAMPTZ(3),
    "data_up_to" TIMESTAMPTZ(3),
    "note" TEXT,
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "releases_pkey" PRIMARY KEY ("operation_id"),
    CONSTRAINT "releases_operation_id_fkey" FOREIGN KEY ("operation_id") REFERENCES "operations"("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "releases_service_created_at_idx" ON "releases"("service", "created_at" DESC);
-- One release per service at a time, whatever raced past the portal's own check.
CREATE UNIQUE INDEX "releases_one_active_per_service" ON "releases"("service") WHERE "state" NOT IN ('promoted', 'aborted', 'failed');

CREATE TABLE "release_entries" (
    "id" BIGSERIAL NOT NULL,
    "release_id" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "kind" TEXT NOT NULL,
    "step" INTEGER NOT NULL,
    "text" TEXT NOT NULL,
    "data" JSONB,
    CONSTRAINT "release_entries_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "release_entries_release_id_fkey" FOREIGN KEY ("release_id") REFERENCES "releases"("operation_id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "release_entries_release_id_id_idx" ON "release_entries"("release_id", "id");
