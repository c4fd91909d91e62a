"use client";
// The release on the service page: its steps and the current one, the time
// left, every check (canary vs stable, the thresholds and the verdict in
// words), "data up to …" and the decision log. Follows the release's row, so
// it survives reloads; the controls are shown to developers and up only.
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { Badge, type Tone } from "@/components/ui/badge";
import { Table, Td, Th } from "@/components/ui/table";
import type { CheckJson, ReleaseJson } from "@/lib/releases";
import { ReleaseControls } from "./release-controls";

const ENDED = ["promoted", "aborted", "failed"];
const TONES: Record<string, Tone> = {
  deploying: "sky",
  shifting: "sky",
  observing: "indigo",
  paused: "amber",
  holding: "amber",
  promoted: "green",
  aborted: "red",
  failed: "red",
};

async function fetchRelease(id: string): Promise<ReleaseJson> {
  const res = await fetch(`/api/releases/${id}`, { cache: "no-store" });
  if (!res.ok) throw new Error(`Could not load the release (${res.status}).`);
  return res.json();
}

const STEP_STYLE = {
  current: "border-indigo-500 font-semibold text-indigo-700 dark:text-indigo-300",
  done: "border-emerald-600/40 text-emerald-700 dark:text-emerald-400",
  stopped: "border-red-600/40 text-red-600 dark:text-red-400",
  pending: "border-zinc-300 text-zinc-500 dark:border-zinc-700 dark:text-zinc-400",
};
const NUM = "whitespace-nowrap text-right tabular-nums";
const clock = (iso: string | null) => (iso ? `${iso.slice(11, 19)} UTC` : "—");
const pct = (s: CheckJson["canary"]) => (s?.requests ? `${((100 * s.errors) / s.requests).toFixed(1)} %` : "—");
const p99 = (s: CheckJson["canary"]) => (s?.p99Ms != null && s.requests ? `${Math.round(s.p99Ms)} ms` : "—");

function stateWords(r: ReleaseJson): string {
  const at = r.plan.steps[r.stepIndex];
  if (r.moving === "abort") return "aborting";
  if (r.moving === "promote") return "promoting";
  if (r.state === "shifting") return `moving to ${at} %`;
  if (r.state === "observing") return `at ${at} %`;
  return r.state;
}

/** What the release did with the service's alerts (plan.snoozeAlerts), in words; null when the plan leaves them alone. */
function snoozeWords(r: ReleaseJson, ended: boolean): string | null {
  const s = r.snooze;
  if (!s) return r.plan.snoozeAlerts && !ended ? "Snoozing this service's alerts…" : null;
  if (s.state === "none") return "No alert policy watches this service: nothing was snoozed.";
  if (s.state === "failed")
    return `Snoozing this service's alerts failed; they notify as usual. ${s.error ?? ""}`.trim();
  if (s.state === "creating") return "Snoozing this service's alerts…";
  const left = s.left
    ? ` ${s.left} more ${s.left === 1 ? "policy is" : "policies are"} not snoozed (Google allows 16 per snooze).`
    : "";
  if (s.state === "ended")
    return `Alerts of this service were snoozed during the release, until ${clock(s.endedAt)}.${left}`;
  if (s.error)
    return `Alerts of this service are snoozed until ${clock(s.until)}: ending the snooze with the release failed. ${s.error}`;
  return `Alerts of this service are snoozed until ${clock(s.until)} (ends with the release).${left}`;
}

function TimeLeft({ release }: { release: ReleaseJson }) {
  const [now, setNow] = useState<number | null>(null);
  // Only in the browser, after hydration (the server's time would not match), then every second.
  useEffect(() => {
    const tick = () => setNow(Date.now());
    const first = setTimeout(tick, 0);
    const t = setInterval(tick, 1000);
    return () => {
      clearTimeout(first);
      clearInterval(t);
    };
  }, []);
  if (!release.stepEndsAt || release.state !== "observing" || now === null) return null;
  const left = Math.max(0, Math.round((new Date(release.stepEndsAt).getTime() - now) / 1000));
  return (
    <span>
      {left > 0
        ? `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")} left in this step`
        : "step window over: waiting for its data"}
    </span>
  );
}

export function ReleasePanel({
  initial,
  service,
  canAct,
}: {
  initial: ReleaseJson;
  service: { project: string; region: string; service: string };
  canAct: boolean;
}) {
  const router = useRouter();
  const { data: r = initial, refetch } = useQuery({
    queryKey: ["release", initial.id],
    queryFn: () => fetchRelease(initial.id),
    initialData: initial,
    refetchInterval: (q) => (q.state.data && ENDED.includes(q.state.data.state) ? false : 1000),
  });
  const ended = ENDED.includes(r.state);
  // The traffic bar, the revisions and the history around the panel are server-rendered: refresh them as the release moves.
  useEffect(() => {
    router.refresh();
  }, [r.stepIndex, r.state, r.moving, router]);
  const plan = r.plan;
  return (
    <section aria-label="Canary release" className="space-y-3 px-4 py-3">
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <span className="font-semibold">
          Canary <code className="text-xs">{r.canary}</code>
        </span>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">tag {r.canaryTag}</span>
        <Badge tone={TONES[r.state] ?? "neutral"}>{stateWords(r)}</Badge>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">
          <TimeLeft release={r} />
        </span>
        <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400">data up to {clock(r.dataUpTo)}</span>
      </div>
      <ol aria-label="Steps" className="flex flex-wrap gap-2 text-sm">
        {plan.steps.map((p, i) => {
          const state =
            r.state === "promoted" || i < r.stepIndex
              ? "done"
              : i === r.stepIndex
                ? ended
                  ? "stopped"
                  : "current"
                : "pending";
          return (
            <li
              key={p}
              aria-current={state === "current" ? "step" : undefined}
              className={`rounded border px-2 py-0.5 ${STEP_STYLE[state]}`}
            >
              {state === "done" ? "✓ " : state === "stopped" ? "✕ " : ""}
              {p} %
            </li>
          );
        })}
      </ol>
      {r.note && (
        <p
          role={
            r.state === "aborted" || r.state === "failed" || r.state === "paused" || r.state === "holding"
              ? "alert"
              : undefined
          }
          className={
            r.state === "promoted"
              ? "text-sm text-emerald-700 dark:text-emerald-400"
              : r.state === "aborted" || r.state === "failed"
                ? "text-sm text-red-600 dark:text-red-400"
                : "text-sm text-amber-800 dark:text-amber-400"
          }
        >
          {r.note}
        </p>
      )}
      {snoozeWords(r, ended) && (
        <p aria-label="Alert snooze" className="text-sm text-zinc-600 dark:text-zinc-300">
          {snoozeWords(r, ended)}
        </p>
      )}
      {canAct && !ended && <ReleaseControls service={service} release={r} onChanged={() => void refetch()} />}
      <p className="text-xs text-zinc-500 dark:text-zinc-400">
        {plan.stepSeconds} s per step, checked every {plan.checkSeconds} s. A check fails when the canary&apos;s 5xx
        share is above {plan.maxErrorPercent} % and above the stable share + {plan.errorMarginPoints} pt, or its p99 is
        above {plan.latencyFactor} × the stable p99 and above {plan.latencyFloorMs} ms; {plan.failuresToAbort} in a row
        abort. A step needs {plan.minRequests} canary requests.
      </p>
      <Table caption="Checks, newest first">
        <thead>
          <tr>
            <Th>Time</Th>
            <Th>Step</Th>
            <Th className="text-right">Canary req</Th>
            <Th className="text-right">5xx</Th>
            <Th className="text-right">p99</Th>
            <Th className="text-right">Stable req</Th>
            <Th className="text-right">5xx</Th>
            <Th className="text-right">p99</Th>
            <Th>Verdict</Th>
          </tr>
        </thead>
        <tbody>
          {r.checks.length === 0 && (
            <tr>
              <Td colSpan={9} className="text-zinc-500 dark:text-zinc-400">
                No checks yet.
              </Td>
            </tr>
          )}
          {r.checks.map((c) => (
            <tr key={c.at + c.text}>
              <Td className="whitespace-nowrap font-mono text-xs">{clock(c.at)}</Td>
              <Td className="whitespace-nowrap tabular-nums">{c.percent} %</Td>
              <Td className={NUM}>{c.canary?.requests ?? 0}</Td>
              <Td className={NUM}>{pct(c.canary)}</Td>
              <Td className={NUM}>{p99(c.canary)}</Td>
              <Td className={NUM}>{c.stable?.requests ?? 0}</Td>
              <Td className={NUM}>{pct(c.stable)}</Td>
              <Td className={NUM}>{p99(c.stable)}</Td>
              <Td
                className={
                  c.verdict === "fail"
                    ? "text-red-600 dark:text-red-400"
                    : c.verdict === "pass"
                      ? "text-emerald-700 dark:text-emerald-400"
                      : "text-zinc-500 dark:text-zinc-400"
                }
              >
                {c.text}
              </Td>
            </tr>
          ))}
        </tbody>
      </Table>
      <div>
        <h3 className="text-sm font-semibold">Decisions</h3>
        <ol aria-label="Decision log" className="mt-1 space-y-0.5 text-sm">
          {r.decisions.map((d) => (
            <li key={d.at + d.text}>
              <span className="font-mono text-xs text-zinc-500 dark:text-zinc-400">{clock(d.at)}</span> {d.text}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
