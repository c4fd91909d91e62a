-- Releases (issue 12): the Cloud Monitoring snooze a release made of its
-- service's alert policies, recorded before and after it is created so that a
-- restarted follower ends it (and never makes a second one).
ALTER TABLE "releases" ADD COLUMN "snooze" JSONB;
