"use client";

import { useMemo, useState } from "react";
import { Select } from "@/components/ui/field";
import type { RevisionView } from "@/lib/services";
import { configLines } from "./config-list";

/** Side-by-side configuration of two revisions, differences highlighted. */
export function RevisionDiff({ revisions }: { revisions: RevisionView[] }) {
  const [a, setA] = useState(revisions[1]?.name ?? revisions[0]?.name);
  const [b, setB] = useState(revisions[0]?.name);
  const rows = useMemo(() => {
    const left = new Map(configLines(revisions.find((r) => r.name === a) ?? revisions[0]));
    const right = new Map(configLines(revisions.find((r) => r.name === b) ?? revisions[0]));
    const keys = [...new Set([...left.keys(), ...right.keys()])];
    return keys.map((k) => ({ key: k, left: left.get(k), right: right.get(k), changed: left.get(k) !== right.get(k) }));
  }, [a, b, revisions]);
  const changed = rows.filter((r) => r.changed).length;
  return (
    <div>
      <div className="flex flex-wrap items-center gap-2 border-b border-zinc-200 px-4 py-2.5 text-sm dark:border-zinc-800">
        <Select aria-label="Left revision" value={a} onChange={(e) => setA(e.target.value)}>
          {revisions.map((r) => (
            <option key={r.name} value={r.name}>
              {r.name}
            </option>
          ))}
        </Select>
        <span className="text-zinc-500 dark:text-zinc-400">vs</span>
        <Select aria-label="Right revision" value={b} onChange={(e) => setB(e.target.value)}>
          {revisions.map((r) => (
            <option key={r.name} value={r.name}>
              {r.name}
            </option>
          ))}
        </Select>
        <span className="ml-auto text-xs text-zinc-500 dark:text-zinc-400" data-testid="diff-count">
          {changed === 0 ? "identical configuration" : `${changed} difference${changed > 1 ? "s" : ""}`}
        </span>
      </div>
      <table className="w-full table-fixed text-xs">
        <caption className="sr-only">
          Configuration of {a} and {b}, setting by setting; changed settings are marked
        </caption>
        <thead className="sr-only">
          <tr>
            <th scope="col">Setting</th>
            <th scope="col">{a}</th>
            <th scope="col">{b}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className={r.changed ? "bg-amber-50 dark:bg-amber-500/10" : undefined}>
              <th
                scope="row"
                className="w-40 px-4 py-1 text-left align-top font-normal text-zinc-500 dark:text-zinc-400"
              >
                {r.key}
                {r.changed && <span className="sr-only"> (changed)</span>}
              </th>
              <td
                className={`break-all px-2 py-1 align-top font-mono ${r.changed ? "text-red-700 dark:text-red-300" : ""}`}
              >
                {r.left ?? "—"}
              </td>
              <td
                className={`break-all px-2 py-1 align-top font-mono ${r.changed ? "text-emerald-700 dark:text-emerald-300" : ""}`}
              >
                {r.right ?? "—"}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
