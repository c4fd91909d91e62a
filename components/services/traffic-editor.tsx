"use client";

import { useMemo, useState } from "react";
import { shiftTraffic } from "./actions";
import { Button } from "@/components/ui/button";
import { Input, Select } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";
import type { TrafficEntry } from "@/lib/services";
import { TAG } from "@/lib/services/names";
import { useAction } from "@/components/ui/use-action";

type Row = { revision: string; percent: number; tag: string };
type Props = {
  service: { project: string; region: string; service: string };
  etag: string;
  traffic: TrafficEntry[];
  readyRevisions: string[];
  latestReady: string;
  path: string;
};

export const CANARY_STEPS = [5, 25, 50, 100];

function rowsFrom(traffic: TrafficEntry[]): Row[] {
  return traffic.map((t) => ({ revision: t.latest ? "LATEST" : t.revision, percent: t.percent, tag: t.tag ?? "" }));
}

/** Edit the split: percentages checked as you type (and again on the server), tags, presets. */
export function TrafficEditor({ service, etag, traffic, readyRevisions, latestReady, path }: Props) {
  const [rows, setRows] = useState<Row[]>(() => rowsFrom(traffic));
  const { submit, pending, result, fieldErrors } = useAction(shiftTraffic, { followAt: path });
  const total = rows.reduce((s, r) => s + (Number.isFinite(r.percent) ? r.percent : 0), 0);
  const tagProblems = rows.filter((r) => r.tag && !TAG.test(r.tag)).length;
  const zeroWithoutTag = rows.some((r) => r.percent === 0 && !r.tag);
  const problem =
    total !== 100
      ? `Percentages add up to ${total}, not 100.`
      : tagProblems
        ? "Tags are lowercase letters, digits and hyphens, starting with a letter."
        : zeroWithoutTag
          ? "A 0% row needs a tag (or remove it)."
          : null;

  const update = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const send = (entries: Row[]) =>
    submit({
      ...service,
      etag,
      entries: entries.map((r) => ({ revision: r.revision, percent: r.percent, tag: r.tag || undefined })),
    });

  // Gradual rollout: move the candidate along 5 → 25 → 50 → 100 against the stable revision.
  const primary = [...traffic].sort((a, b) => b.percent - a.percent)[0]?.revision;
  const [candidate, setCandidate] = useState(latestReady);
  const candidateNow = traffic.filter((t) => t.revision === candidate).reduce((s, t) => s + t.percent, 0);
  const nextStep = CANARY_STEPS.find((p) => p > candidateNow);
  const stable = useMemo(
    () =>
      [...traffic].filter((t) => t.revision !== candidate && t.percent > 0).sort((a, b) => b.percent - a.percent)[0]
        ?.revision ?? primary,
    [traffic, candidate, primary],
  );
  const tagRows = rows.filter((r) => r.tag && r.percent === 0);
  const advance = () => {
    if (!nextStep) return;
    const entries: Row[] = [{ revision: candidate, percent: nextStep, tag: "" }];
    if (nextStep < 100 && stable) entries.push({ revision: stable, percent: 100 - nextStep, tag: "" });
    send([...entries, ...tagRows]);
  };

  return (
    <div className="space-y-4 px-4 py-3">
      <table className="w-full text-sm">
        <caption className="sr-only">Traffic split: one row per revision, with its percent and tag</caption>
        <thead>
          <tr className="text-left text-xs text-zinc-500 dark:text-zinc-400">
            <th scope="col" className="pb-1 font-medium">
              Revision
            </th>
            <th scope="col" className="pb-1 font-medium">
              Percent
            </th>
            <th scope="col" className="pb-1 font-medium">
              Tag
            </th>
            <th scope="col">
              <span className="sr-only">Remove</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td className="py-1 pr-2">
                <Select
                  aria-label={`Revision of row ${i + 1}`}
                  value={r.revision}
                  onChange={(e) => update(i, { revision: e.target.value })}
                  className="w-full font-mono text-xs"
                >
                  <option value="LATEST">latest ready ({latestReady})</option>
                  {readyRevisions.map((name) => (
                    <option key={name} value={name}>
                      {name}
                    </option>
                  ))}
                </Select>
              </td>
              <td className="py-1 pr-2">
                <Input
                  aria-label={`Percent of row ${i + 1}`}
                  type="number"
                  min={0}
                  max={100}
                  step={1}
                  value={Number.isFinite(r.percent) ? r.percent : ""}
                  onChange={(e) => update(i, { percent: e.target.valueAsNumber })}
                  className="w-20 tabular-nums"
                />
              </td>
              <td className="py-1 pr-2">
                <Input
                  aria-label={`Tag of row ${i + 1}`}
                  placeholder="(none)"
                  value={r.tag}
                  onChange={(e) => update(i, { tag: e.target.value.toLowerCase() })}
                  className="w-32"
                />
              </td>
              <td className="py-1 text-right">
                <Button
                  variant="ghost"
                  aria-label={`Remove row ${i + 1}`}
                  onClick={() => setRows(rows.filter((_, j) => j !== i))}
                >
                  ✕
                </Button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant="secondary"
          onClick={() => setRows([...rows, { revision: readyRevisions[0] ?? "LATEST", percent: 0, tag: "" }])}
        >
          Add row
        </Button>
        <span
          className={`text-sm tabular-nums ${total === 100 ? "text-zinc-500 dark:text-zinc-400" : "text-red-600 dark:text-red-400"}`}
          data-testid="traffic-total"
        >
          Total {total}%
        </span>
        <div className="ml-auto flex gap-2">
          <Button
            variant="secondary"
            disabled={pending}
            onClick={() => send([{ revision: "LATEST", percent: 100, tag: "" }, ...tagRows])}
          >
            Send 100% to latest
          </Button>
          <Button disabled={pending || problem !== null} onClick={() => send(rows)}>
            {pending ? "Applying…" : "Apply split"}
          </Button>
        </div>
      </div>
      {problem && (
        <p role="alert" className="text-xs text-red-600 dark:text-red-400">
          {problem}
        </p>
      )}
      <div className="flex flex-wrap items-center gap-2 rounded-md border border-dashed border-zinc-300 px-3 py-2 text-sm dark:border-zinc-700">
        <span className="text-zinc-500 dark:text-zinc-400">Gradual rollout of</span>
        <Select
          aria-label="Rollout candidate"
          value={candidate}
          onChange={(e) => setCandidate(e.target.value)}
          className="font-mono text-xs"
        >
          {readyRevisions.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </Select>
        <span className="text-xs text-zinc-500 dark:text-zinc-400">
          {CANARY_STEPS.map((p) => (p <= candidateNow ? `✓${p}` : p)).join(" → ")} %
        </span>
        <Button className="ml-auto" disabled={pending || !nextStep || !stable} onClick={advance}>
          {nextStep ? `Advance to ${nextStep}%` : "Fully rolled out"}
        </Button>
      </div>
      {result && !result.ok && (
        <Notice tone="error">
          {result.error}
          {Object.values(fieldErrors)
            .flat()
            .map((e) => (
              <span key={e} className="block">
                {e}
              </span>
            ))}
        </Notice>
      )}
    </div>
  );
}
