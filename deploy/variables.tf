variable "project" {
  description = "The project Runway itself runs in (Cloud Run service, Cloud SQL, its secrets)."
  type        = string
}

variable "region" {
  description = "Region of Runway's Cloud Run service and Cloud SQL instance."
  type        = string
  default     = "europe-west4"
}

variable "image" {
  description = "Runway's container image (see the Dockerfile), e.g. europe-west4-docker.pkg.dev/PROJECT/REPO/runway:TAG."
  type        = string
}

variable "public_url" {
  description = "The portal's public URL (AUTH_URL), e.g. https://runway.example.com or the run.app URL."
  type        = string
}

variable "covered_projects" {
  description = "Projects whose Cloud Run services, secrets and Cloud SQL instances Runway shows (GCP_PROJECTS). The custom roles are created and granted in each."
  type        = list(string)
}

variable "covered_regions" {
  description = "Cloud Run regions of the first project/region list (GCP_REGIONS); admins edit the list in Settings afterwards."
  type        = list(string)
  default     = ["europe-west4"]
}

variable "enable_deploy" {
  description = "Grant the deploy role (deploys, traffic, roll back)."
  type        = bool
  default     = true
}

variable "enable_rotate" {
  description = "Grant the rotate role (secret rotation)."
  type        = bool
  default     = true
}

variable "enable_restore" {
  description = "Grant the restore role (Cloud SQL backups and restores)."
  type        = bool
  default     = true
}

variable "enable_jobs" {
  description = "Grant the jobs role (run, pause and edit Cloud Scheduler jobs; run and cancel Cloud Run jobs)."
  type        = bool
  default     = true
}

variable "enable_alerting" {
  description = "Grant the alerting role (alert policies, notification channels, uptime checks and SLOs)."
  type        = bool
  default     = true
}

variable "runtime_service_accounts" {
  description = "Full names (projects/P/serviceAccounts/EMAIL) of the service accounts the covered Cloud Run services run as: Runway gets actAs on exactly these to deploy and rotate."
  type        = list(string)
  default     = []
}

variable "allowed_domains" {
  description = "E-mail domains allowed in (AUTH_ALLOWED_DOMAINS)."
  type        = list(string)
}

variable "admin_emails" {
  description = "People who become admins when first seen (ADMIN_EMAILS)."
  type        = list(string)
  default     = []
}

variable "oauth_client_id" {
  description = "Google OAuth client id for Runway's own Google sign-in. Leave empty with IAP on."
  type        = string
  default     = ""
}

variable "oauth_client_secret" {
  description = "Google OAuth client secret for Runway's own Google sign-in. Leave empty with IAP on."
  type        = string
  default     = ""
  sensitive   = true
}

variable "iap_enabled" {
  description = "Put Identity-Aware Proxy in front of Runway: IAP signs people in, Runway trusts its verified header (IAP_AUDIENCE) and its own sign-in is off."
  type        = bool
  default     = false
}

variable "iap_members" {
  description = "Who IAP lets through, e.g. [\"group:platform@example.com\"] (with iap_enabled)."
  type        = list(string)
  default     = []
}

variable "database_tier" {
  description = "Cloud SQL machine tier for Runway's own database."
  type        = string
  default     = "db-custom-1-3840"
}

variable "billing_account" {
  description = "Billing account id (012345-6789AB-CDEF01) whose budgets Runway shows and edits; empty: no budget access."
  type        = string
  default     = ""
}
