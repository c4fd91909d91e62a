-- Cost insight (#15): per-service variance thresholds (default 20 % when absent).
CREATE TABLE "cost_variance_thresholds" (
    "project" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "percent" INTEGER NOT NULL,
    "updated_by" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "cost_variance_thresholds_pkey" PRIMARY KEY ("project","service")
);
