import type { Metadata } from "next";
import { LogExplorer } from "@/components/logs/log-explorer";
import { CopyQuery } from "@/components/logs/copy-query";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Notice, PageHeader, Panel } from "@/components/ui/panel";
import { requireActor } from "@/lib/auth/session";
import { db } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { listLogs, LogQuery, SEVERITIES, type LogPage } from "@/lib/observability";
import { listLocations } from "@/lib/services";

export const metadata: Metadata = { title: "Logs" };

export default async function LogsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  await requireActor();
  const params = await searchParams;
  const projects = [...new Set((await listLocations(db())).map((l) => l.project))];
  const parsed = LogQuery.safeParse({ ...params, project: params.project || projects[0] });
  let page: LogPage | null = null;
  let error: string | null = parsed.success
    ? null
    : "Some filters are not valid: " + parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
  if (parsed.success) {
    try {
      page = await listLogs(parsed.data);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      error = err.message;
    }
  }
  const q = parsed.success ? parsed.data : null;
  const queryString = q
    ? new URLSearchParams(
        Object.entries(q).filter((e): e is [string, string] => typeof e[1] === "string" && e[1] !== ""),
      ).toString()
    : "";
  return (
    <>
      <PageHeader title="Logs" description="Request and container logs of the fleet, from Cloud Logging." />
      <form method="get" className="mb-4 flex flex-wrap items-end gap-3" role="search" aria-label="Filter logs">
        <Field label="Project" htmlFor="l-project">
          <Select id="l-project" name="project" defaultValue={q?.project}>
            {projects.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </Select>
        </Field>
        {q?.job ? (
          <Field label="Cloud Run job" htmlFor="l-job">
            <Input id="l-job" name="job" defaultValue={q.job} className="w-44" />
          </Field>
        ) : (
          <>
            <Field label="Service" htmlFor="l-service">
              <Input
                id="l-service"
                name="service"
                defaultValue={q?.service}
                placeholder="all services"
                className="w-44"
              />
            </Field>
            <Field label="Revision" htmlFor="l-revision">
              <Input
                id="l-revision"
                name="revision"
                defaultValue={q?.revision}
                placeholder="all revisions"
                className="w-52"
              />
            </Field>
          </>
        )}
        {q?.job && (
          <Field label="Execution" htmlFor="l-execution">
            <Input
              id="l-execution"
              name="execution"
              defaultValue={q.execution}
              placeholder="all executions"
              className="w-52"
            />
          </Field>
        )}
        <Field label="Severity at least" htmlFor="l-severity">
          <Select id="l-severity" name="severity" defaultValue={q?.severity ?? ""}>
            <option value="">any</option>
            {SEVERITIES.filter((s) => s !== "DEFAULT").map((s) => (
              <option key={s}>{s}</option>
            ))}
          </Select>
        </Field>
        <Field label="Log" htmlFor="l-kind">
          <Select id="l-kind" name="kind" defaultValue={q?.kind ?? "all"}>
            <option value="all">all</option>
            <option value="requests">requests</option>
            <option value="app">container output</option>
          </Select>
        </Field>
        <Field label="Range" htmlFor="l-range">
          <Select id="l-range" name="range" defaultValue={q?.range ?? "1h"}>
            <option value="1h">last hour</option>
            <option value="6h">last 6 h</option>
            <option value="1d">last day</option>
            <option value="7d">last 7 days</option>
            <option value="custom">custom (below)</option>
          </Select>
        </Field>
        <Field label="From (UTC, custom)" htmlFor="l-from">
          <Input id="l-from" name="from" type="datetime-local" defaultValue={q?.from?.slice(0, 16)} />
        </Field>
        <Field label="To (UTC, optional)" htmlFor="l-to">
          <Input id="l-to" name="to" type="datetime-local" defaultValue={q?.to?.slice(0, 16)} />
        </Field>
        <Field label="Text" htmlFor="l-text">
          <Input id="l-text" name="text" defaultValue={q?.text} placeholder="find anywhere" className="w-52" />
        </Field>
        <Button type="submit">Search</Button>
      </form>
      {error && (
        <div className="mb-4">
          <Notice tone="error">{error}</Notice>
        </div>
      )}
      {page && (
        <>
          <Panel>
            <LogExplorer key={queryString} params={queryString} initial={page} />
          </Panel>
          <CopyQuery filter={page.filter} />
        </>
      )}
    </>
  );
}
