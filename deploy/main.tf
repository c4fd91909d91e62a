# Runway on Cloud Run, for real: its own Cloud SQL PostgreSQL, its secrets in
# Secret Manager, a dedicated service account holding only the custom roles of
# roles.tf, and optionally Identity-Aware Proxy in front (iap.tf).
# See deploy/README.md for how to apply it.

terraform {
  required_version = ">= 1.6"
  required_providers {
    google      = { source = "hashicorp/google", version = ">= 6.30" }
    google-beta = { source = "hashicorp/google-beta", version = ">= 6.30" }
    random      = { source = "hashicorp/random", version = ">= 3.6" }
  }
}

provider "google" {
  project = var.project
  region  = var.region
}

provider "google-beta" {
  project = var.project
  region  = var.region
}

data "google_project" "runway" {
  project_id = var.project
}

resource "google_project_service" "apis" {
  for_each = toset(concat(
    ["run.googleapis.com", "sqladmin.googleapis.com", "secretmanager.googleapis.com", "logging.googleapis.com", "monitoring.googleapis.com", "cloudbilling.googleapis.com", "iam.googleapis.com"],
    var.iap_enabled ? ["iap.googleapis.com"] : [],
  ))
  project            = var.project
  service            = each.value
  disable_on_destroy = false
}

# ── the portal's identity ──

resource "google_service_account" "runway" {
  project      = var.project
  account_id   = "runway-portal"
  display_name = "Runway portal"
  description  = "Runway's own identity: the custom roles of roles.tf in each covered project, and its own database and secrets."
}

# Its own database: connect through the Cloud SQL connector mounted by Cloud Run.
resource "google_project_iam_member" "runway_sql_client" {
  project = var.project
  role    = "roles/cloudsql.client"
  member  = "serviceAccount:${google_service_account.runway.email}"
}

# ── database ──

resource "google_sql_database_instance" "runway" {
  project             = var.project
  name                = "runway"
  region              = var.region
  database_version    = "POSTGRES_16"
  deletion_protection = true
  settings {
    tier              = var.database_tier
    availability_type = "REGIONAL"
    backup_configuration {
      enabled                        = true
      point_in_time_recovery_enabled = true
    }
    ip_configuration {
      ipv4_enabled = true # Reached only through the connector (IAM-checked); no authorized networks.
      ssl_mode     = "ENCRYPTED_ONLY"
    }
  }
  depends_on = [google_project_service.apis]
}

resource "google_sql_database" "runway" {
  project  = var.project
  instance = google_sql_database_instance.runway.name
  name     = "runway"
}

resource "random_password" "database" {
  length  = 40
  special = false
}

resource "google_sql_user" "runway" {
  project  = var.project
  instance = google_sql_database_instance.runway.name
  name     = "runway"
  password = random_password.database.result
}

# ── secrets ──

resource "random_password" "auth_secret" {
  length  = 64
  special = false
}

locals {
  database_url = "postgresql://runway:${random_password.database.result}@localhost/runway?host=/cloudsql/${google_sql_database_instance.runway.connection_name}"
  secrets = merge(
    { "runway-auth-secret" = random_password.auth_secret.result, "runway-database-url" = local.database_url },
    var.iap_enabled ? {} : { "runway-oauth-client-id" = var.oauth_client_id, "runway-oauth-client-secret" = var.oauth_client_secret },
  )
  # The portal's configuration (README: Configuration); secrets come from Secret Manager below.
  plain_env = merge(
    {
      AUTH_URL             = var.public_url
      AUTH_ALLOWED_DOMAINS = join(",", var.allowed_domains)
      ADMIN_EMAILS         = join(",", var.admin_emails)
      GCP_PROJECTS         = join(",", var.covered_projects)
      GCP_REGIONS          = join(",", var.covered_regions)
      # Cloud Run's front end (IAP, when on, runs inside it) appends the caller's address: one trusted hop.
      RUNWAY_TRUSTED_PROXY_HOPS = "1"
    },
    var.iap_enabled ? { IAP_AUDIENCE = local.iap_audience } : {},
  )
  # Names alone (the values are sensitive), so they can key for_each.
  secret_names = concat(["runway-auth-secret", "runway-database-url"], var.iap_enabled ? [] : ["runway-oauth-client-id", "runway-oauth-client-secret"])
  secret_env = merge(
    { AUTH_SECRET = "runway-auth-secret", DATABASE_URL = "runway-database-url" },
    var.iap_enabled ? {} : { AUTH_GOOGLE_ID = "runway-oauth-client-id", AUTH_GOOGLE_SECRET = "runway-oauth-client-secret" },
  )
}

resource "google_secret_manager_secret" "runway" {
  for_each  = toset(local.secret_names)
  project   = var.project
  secret_id = each.value
  replication {
    auto {}
  }
  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_version" "runway" {
  for_each    = google_secret_manager_secret.runway
  secret      = each.value.id
  secret_data = local.secrets[each.key]
}

# Runway reads its own secrets only, each granted on the secret itself.
resource "google_secret_manager_secret_iam_member" "runway" {
  for_each  = google_secret_manager_secret.runway
  project   = var.project
  secret_id = each.value.secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = "serviceAccount:${google_service_account.runway.email}"
}

# ── the service ──

resource "google_cloud_run_v2_service" "runway" {
  provider            = google-beta
  project             = var.project
  name                = "runway"
  location            = var.region
  ingress             = "INGRESS_TRAFFIC_ALL"
  iap_enabled         = var.iap_enabled
  deletion_protection = true
  template {
    service_account = google_service_account.runway.email
    scaling {
      min_instance_count = 1 # Followers of running operations live in the portal's job queue.
      max_instance_count = 4
    }
    volumes {
      name = "cloudsql"
      cloud_sql_instance {
        instances = [google_sql_database_instance.runway.connection_name]
      }
    }
    containers {
      image = var.image
      ports {
        container_port = 8080
      }
      resources {
        limits = { cpu = "1", memory = "1Gi" }
      }
      volume_mounts {
        name       = "cloudsql"
        mount_path = "/cloudsql"
      }
      dynamic "env" {
        for_each = local.plain_env
        content {
          name  = env.key
          value = env.value
        }
      }
      dynamic "env" {
        for_each = local.secret_env
        content {
          name = env.key
          value_source {
            secret_key_ref {
              secret  = google_secret_manager_secret.runway[env.value].secret_id
              version = "latest"
            }
          }
        }
      }
      startup_probe {
        http_get {
          path = "/api/health"
        }
      }
    }
  }
  depends_on = [google_secret_manager_secret_version.runway, google_secret_manager_secret_iam_member.runway, google_project_iam_member.runway_sql_client]
}

# Without IAP, Runway signs people in itself (Google sign-in): anyone may reach the sign-in page.
resource "google_cloud_run_v2_service_iam_member" "public" {
  count    = var.iap_enabled ? 0 : 1
  project  = var.project
  location = var.region
  name     = google_cloud_run_v2_service.runway.name
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Budgets live on the billing account, not in a project, so no project role can
# grant them: Runway reads and edits them (billing.budgets.*) with
# roles/billing.costsManager on the account, only when billing_account is set.
resource "google_billing_account_iam_member" "runway_budgets" {
  count              = var.billing_account == "" ? 0 : 1
  billing_account_id = var.billing_account
  role               = "roles/billing.costsManager"
  member             = "serviceAccount:${google_service_account.runway.email}"
}
