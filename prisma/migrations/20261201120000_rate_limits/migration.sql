-- Fixed-window rate-limit counters shared by every portal instance (lib/rate-limit).
CREATE TABLE "rate_limit_windows" (
    "bucket" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "window_start" TIMESTAMPTZ(3) NOT NULL,
    "count" INTEGER NOT NULL,
    CONSTRAINT "rate_limit_windows_pkey" PRIMARY KEY ("bucket", "key", "window_start")
);
CREATE INDEX "rate_limit_windows_window_start_idx" ON "rate_limit_windows"("window_start");
