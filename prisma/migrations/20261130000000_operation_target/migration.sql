-- Operations change Cloud SQL instances and secrets too, not only services.
ALTER TABLE "operations" RENAME COLUMN "service" TO "target";
ALTER INDEX "operations_service_created_at_idx" RENAME TO "operations_target_created_at_idx";
