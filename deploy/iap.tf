# Optional Identity-Aware Proxy directly on the Cloud Run service (iap_enabled).
# IAP signs each request it lets through (x-goog-iap-jwt-assertion); Runway
# verifies it against IAP's public keys and this audience (lib/auth/iap.ts).

locals {
  # The audience IAP puts in its assertions for a Cloud Run service.
  iap_audience = "/projects/${data.google_project.runway.number}/locations/${var.region}/services/runway"
}

# IAP's service agent invokes the service on behalf of the people it lets through.
resource "google_cloud_run_v2_service_iam_member" "iap_invoker" {
  count    = var.iap_enabled ? 1 : 0
  project  = var.project
  location = var.region
  name     = google_cloud_run_v2_service.runway.name
  role     = "roles/run.invoker"
  member   = "serviceAccount:service-${data.google_project.runway.number}@gcp-sa-iap.iam.gserviceaccount.com"
}

# Who gets through IAP at all; their role inside Runway is still Runway's (Users page).
resource "google_iap_web_cloud_run_service_iam_member" "access" {
  provider               = google-beta
  for_each               = var.iap_enabled ? toset(var.iap_members) : toset([])
  project                = var.project
  location               = var.region
  cloud_run_service_name = google_cloud_run_v2_service.runway.name
  role                   = "roles/iap.httpsResourceAccessor"
  member                 = each.value
}
