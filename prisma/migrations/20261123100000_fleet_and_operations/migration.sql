-- CreateEnum
CREATE TYPE "OperationStatus" AS ENUM ('running', 'succeeded', 'failed');

-- CreateTable
CREATE TABLE "fleet_locations" (
    "project" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "added_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "fleet_locations_pkey" PRIMARY KEY ("project","region")
);

-- CreateTable
CREATE TABLE "operations" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "google_name" TEXT,
    "status" "OperationStatus" NOT NULL DEFAULT 'running',
    "steps" JSONB NOT NULL,
    "revision" TEXT,
    "error" TEXT,
    "actor_email" TEXT NOT NULL,
    "before" JSONB,
    "after" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "operations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "operations_idempotency_key_key" ON "operations"("idempotency_key");

-- CreateIndex
CREATE INDEX "operations_service_created_at_idx" ON "operations"("service", "created_at" DESC);

-- CreateIndex
CREATE INDEX "operations_status_idx" ON "operations"("status");

