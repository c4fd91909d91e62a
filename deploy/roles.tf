# Least-privilege custom roles for Runway's own service account, one per
# capability. Each lists exactly the permissions the portal's Google calls need
# (deploy/permissions.json; test/security/deploy-permissions.test.ts checks both
# against the code). Grant them in every project the portal covers.

resource "google_project_iam_custom_role" "read_only" {
  for_each    = toset(var.covered_projects)
  project     = each.value
  role_id     = "runwayReadOnly"
  title       = "Runway: read the fleet"
  description = "Services, revisions, logs, metrics, secret metadata (never values), Cloud SQL instances, backups and users; project ids of budgets' project numbers."
  permissions = [
    "run.services.list",
    "run.services.get",
    "run.revisions.list",
    "run.revisions.get",
    "logging.logEntries.list",
    "monitoring.timeSeries.list",
    "secretmanager.secrets.list",
    "secretmanager.secrets.get",
    "secretmanager.versions.list",
    "cloudsql.instances.list",
    "cloudsql.backupRuns.list",
    "cloudsql.users.list",
    "cloudscheduler.jobs.list",
    "cloudscheduler.jobs.get",
    "run.jobs.list",
    "run.jobs.get",
    "run.executions.list",
    "run.executions.get",
    "run.tasks.list",
    "monitoring.alertPolicies.list",
    "monitoring.alertPolicies.get",
    "monitoring.notificationChannels.list",
    "monitoring.uptimeCheckConfigs.list",
    "monitoring.services.list",
    "monitoring.slos.list",
    "resourcemanager.projects.get",
  ]
}

resource "google_project_iam_custom_role" "deploy" {
  for_each    = toset(var.covered_projects)
  project     = each.value
  role_id     = "runwayDeploy"
  title       = "Runway: deploy and shift traffic"
  description = "Update Cloud Run services (deploy, traffic, roll back) and follow the operation; snooze the service's alert policies during a canary release when its plan asks."
  permissions = [
    "run.services.update",
    "run.operations.get",
    "monitoring.snoozes.create",
    "monitoring.snoozes.list",
    "monitoring.snoozes.get",
    "monitoring.snoozes.update",
  ]
}

resource "google_project_iam_custom_role" "rotate" {
  for_each    = toset(var.covered_projects)
  project     = each.value
  role_id     = "runwayRotate"
  title       = "Runway: rotate secrets"
  description = "Add and disable secret versions, read them to check a rotation, set the Cloud SQL user's password, re-create the readers' revisions."
  permissions = [
    "secretmanager.versions.add",
    "secretmanager.versions.disable",
    "secretmanager.versions.access",
    "cloudsql.users.update",
    "run.services.update",
    "run.operations.get",
  ]
}

resource "google_project_iam_custom_role" "restore" {
  for_each    = toset(var.covered_projects)
  project     = each.value
  role_id     = "runwayRestore"
  title       = "Runway: back up and restore Cloud SQL"
  description = "Take on-demand backups, restore a backup into an instance, follow Cloud SQL operations."
  permissions = [
    "cloudsql.backupRuns.create",
    "cloudsql.instances.restoreBackup",
    "cloudsql.instances.get",
  ]
}

resource "google_project_iam_custom_role" "operate_jobs" {
  for_each    = toset(var.covered_projects)
  project     = each.value
  role_id     = "runwayOperateJobs"
  title       = "Runway: run and schedule jobs"
  description = "Run, pause, resume and edit Cloud Scheduler jobs; run Cloud Run jobs with overrides and cancel their executions."
  permissions = [
    "cloudscheduler.jobs.run",
    "cloudscheduler.jobs.pause",
    "cloudscheduler.jobs.enable",
    "cloudscheduler.jobs.update",
    "run.jobs.run",
    "run.jobs.runWithOverrides",
    "run.executions.cancel",
  ]
}

resource "google_project_iam_custom_role" "alerting" {
  for_each    = toset(var.covered_projects)
  project     = each.value
  role_id     = "runwayAlerting"
  title       = "Runway: alert policies, channels, uptime checks and SLOs"
  description = "Create, edit and delete alert policies, notification channels, uptime checks and SLOs in Cloud Monitoring."
  permissions = [
    "monitoring.alertPolicies.create",
    "monitoring.alertPolicies.update",
    "monitoring.alertPolicies.delete",
    "monitoring.notificationChannels.create",
    "monitoring.notificationChannels.delete",
    "monitoring.uptimeCheckConfigs.create",
    "monitoring.uptimeCheckConfigs.delete",
    "monitoring.services.create",
    "monitoring.slos.create",
    "monitoring.slos.delete",
  ]
}

locals {
  # Which capabilities this deployment gives the portal; read-only always.
  granted_roles = concat(
    ["read_only"],
    var.enable_deploy ? ["deploy"] : [],
    var.enable_rotate ? ["rotate"] : [],
    var.enable_restore ? ["restore"] : [],
    var.enable_jobs ? ["operate_jobs"] : [],
    var.enable_alerting ? ["alerting"] : [],
  )
  role_bindings = {
    for pair in setproduct(var.covered_projects, local.granted_roles) : "${pair[0]}/${pair[1]}" => { project = pair[0], role = pair[1] }
  }
  custom_roles = {
    read_only    = google_project_iam_custom_role.read_only
    deploy       = google_project_iam_custom_role.deploy
    rotate       = google_project_iam_custom_role.rotate
    restore      = google_project_iam_custom_role.restore
    operate_jobs = google_project_iam_custom_role.operate_jobs
    alerting     = google_project_iam_custom_role.alerting
  }
}

resource "google_project_iam_member" "runway" {
  for_each = local.role_bindings
  project  = each.value.project
  role     = local.custom_roles[each.value.role][each.value.project].id
  member   = "serviceAccount:${google_service_account.runway.email}"
}

# Deploys and rotations create revisions that run as each service's own
# service account: actAs on exactly those, never project-wide.
resource "google_service_account_iam_member" "act_as_runtime" {
  for_each           = (var.enable_deploy || var.enable_rotate) ? toset(var.runtime_service_accounts) : toset([])
  service_account_id = each.value
  role               = "roles/iam.serviceAccountUser"
  member             = "serviceAccount:${google_service_account.runway.email}"
}
