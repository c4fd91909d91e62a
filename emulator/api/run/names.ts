// Resource names, ids and small value helpers for Cloud Run v2.
import { randomBytes, randomUUID } from "node:crypto";
import { invalid } from "../../grpc/errors";
import type { Duration, Timestamp } from "./types";

export type ServiceName = { project: string; location: string; service: string; name: string };
export type RevisionName = ServiceName & { revision: string; serviceName: string };

const SEGMENT = "[^/]+";

export function parseParent(parent: string, what = "parent"): { project: string; location: string } {
  const m = new RegExp(`^projects/(${SEGMENT})/locations/(${SEGMENT})$`).exec(parent ?? "");
  if (!m) throw invalid(`Invalid ${what} "${parent ?? ""}": expected projects/{project}/locations/{location}`);
  return { project: m[1], location: m[2] };
}

export function parseServiceName(name: string): ServiceName {
  const m = new RegExp(`^projects/(${SEGMENT})/locations/(${SEGMENT})/services/(${SEGMENT})$`).exec(name ?? "");
  if (!m)
    throw invalid(
      `Invalid service name "${name ?? ""}": expected projects/{project}/locations/{location}/services/{service}`,
    );
  return { project: m[1], location: m[2], service: m[3], name };
}

export function parseRevisionName(name: string): RevisionName {
  const m = new RegExp(
    `^projects/(${SEGMENT})/locations/(${SEGMENT})/services/(${SEGMENT})/revisions/(${SEGMENT})$`,
  ).exec(name ?? "");
  if (!m)
    throw invalid(
      `Invalid revision name "${name ?? ""}": expected projects/{project}/locations/{location}/services/{service}/revisions/{revision}`,
    );
  return {
    project: m[1],
    location: m[2],
    service: m[3],
    revision: m[4],
    serviceName: serviceName(m[1], m[2], m[3]),
    name,
  };
}

export const serviceName = (project: string, location: string, service: string) =>
  `projects/${project}/locations/${location}/services/${service}`;
export const revisionName = (service: string, revision: string) => `${service}/revisions/${revision}`;
export const operationName = (project: string, location: string) =>
  `projects/${project}/locations/${location}/operations/${randomUUID()}`;
export const shortName = (fullName: string) => fullName.slice(fullName.lastIndexOf("/") + 1);

/** `{service}-{NNNNN}-{abc}`: counter from the service generation, 3 random characters. */
export function newRevisionId(service: string, generation: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const suffix = [...randomBytes(3)].map((b) => alphabet[b % alphabet.length]).join("");
  return `${service}-${String(generation).padStart(5, "0")}-${suffix}`;
}

/** The project number mapping lives in api/projects.ts, shared by every API. */
export { projectNumber } from "../projects";

/** Etags are quoted opaque strings, new on every write. */
export const newEtag = () => `"${randomBytes(12).toString("base64url")}"`;
export const newUid = () => randomUUID();

export function toTimestamp(date: Date): Timestamp {
  const ms = date.getTime();
  return { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

export function fromTimestamp(ts: Timestamp | undefined | null): Date | null {
  if (!ts) return null;
  return new Date(Number(ts.seconds ?? 0) * 1000 + Math.floor((ts.nanos ?? 0) / 1_000_000));
}

export function durationMs(d: Duration | undefined | null): number {
  if (!d) return 0;
  return Number(d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1_000_000);
}
