"use client";
// One budget: spent against the amount, the forecast line, when each
// threshold was or will be crossed; operators can edit it in place.
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { formatMoney } from "@/lib/cost/format";
import type { BudgetMonth } from "@/lib/cost/budget-math";
import { BudgetChart } from "./budget-chart";
import { BudgetForm } from "./budget-form";

export type BudgetCardData = {
  name: string;
  account: string;
  displayName: string;
  amount: number;
  lastPeriod: boolean;
  currency: string;
  projects: string[];
  etag: string;
  thresholds: { percent: number; basis: "CURRENT_SPEND" | "FORECASTED_SPEND" }[];
  month: BudgetMonth | null;
};

const day = (d: string) =>
  new Date(`${d}T00:00:00Z`).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });

export function BudgetCard({ b, canEdit, projects }: { b: BudgetCardData; canEdit: boolean; projects: string[] }) {
  const [editing, setEditing] = useState(false);
  const m = b.month;
  const share = m && m.amount > 0 ? m.spent / m.amount : 0;
  return (
    <li
      className="space-y-2 rounded-md border border-zinc-200 p-3 dark:border-zinc-800"
      data-testid={`budget-${b.displayName}`}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div>
          <div className="font-medium">{b.displayName || b.name.split("/").pop()}</div>
          <div className="text-xs text-zinc-600 dark:text-zinc-400">
            {b.projects.length ? b.projects.join(", ") : "whole billing account"} ·{" "}
            {b.lastPeriod ? "last month's spend" : `${formatMoney(b.amount, b.currency)} a month`}
          </div>
        </div>
        {canEdit && (
          <Button
            variant="ghost"
            className="h-7 px-2 text-xs"
            onClick={() => setEditing(!editing)}
            aria-expanded={editing}
          >
            {editing ? "Close" : `Edit ${b.displayName}`}
          </Button>
        )}
      </div>
      {m ? (
        <>
          <div className="text-sm">
            <span className="font-semibold tabular-nums">{formatMoney(m.spent, b.currency)}</span> spent of{" "}
            {formatMoney(m.amount, b.currency)} ({Math.round(share * 100)} %) · forecast{" "}
            <span className="font-semibold tabular-nums" data-testid="budget-forecast">
              {formatMoney(m.forecast, b.currency)}
            </span>{" "}
            by month end
          </div>
          <BudgetChart month={m} currency={b.currency} name={b.displayName} />
          <ul className="flex flex-wrap gap-1.5 text-xs">
            {m.thresholds.map((t, i) => (
              <li key={i}>
                <Badge tone={t.state === "crossed" ? "red" : t.state === "forecast" ? "amber" : "green"}>
                  {Math.round(t.percent * 100)} %{t.basis === "FORECASTED_SPEND" ? " of forecast" : ""}:{" "}
                  {t.state === "crossed"
                    ? `reached ${day(t.date!)}`
                    : t.state === "forecast"
                      ? `forecast ${day(t.date!)}`
                      : "not this month"}
                </Badge>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p className="text-xs text-zinc-600 dark:text-zinc-400">No spend to compare yet.</p>
      )}
      {editing && (
        <BudgetForm
          projects={projects}
          currency={b.currency}
          onDone={() => setEditing(false)}
          values={{
            account: b.account,
            budget: b.name,
            etag: b.etag,
            displayName: b.displayName,
            project: b.projects[0] ?? "",
            amount: String(+b.amount.toFixed(2)),
            thresholds: b.thresholds
              .filter((t) => t.basis === "CURRENT_SPEND")
              .map((t) => Math.round(t.percent * 100))
              .join(", "),
            forecastAlert: b.thresholds.some((t) => t.basis === "FORECASTED_SPEND"),
          }}
        />
      )}
    </li>
  );
}
