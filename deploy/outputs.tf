output "url" {
  description = "Cloud Run's URL of the portal."
  value       = google_cloud_run_v2_service.runway.uri
}

output "service_account" {
  description = "Runway's own identity."
  value       = google_service_account.runway.email
}

output "iap_audience" {
  description = "IAP_AUDIENCE, set on the service when iap_enabled."
  value       = var.iap_enabled ? local.iap_audience : null
}

output "database_connection_name" {
  value = google_sql_database_instance.runway.connection_name
}
