export { recordAudit, finishAudit, type AuditEntry } from "./record";
export { listAuditEvents, listAuditActions, type AuditEventView, type AuditPage } from "./list";
export { AuditQuery, AUDIT_OUTCOMES, type AuditOutcome } from "./schemas";
export { firstUnstorable } from "./sanitize";
