"use client";
// Create or edit a budget (operator+). The server action validates again and
// audits; its field errors appear under the fields they concern.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";
import { useAction } from "@/components/ui/use-action";
import { saveBudget } from "./actions";

export type BudgetFormValues = {
  account: string;
  budget?: string;
  etag?: string;
  displayName: string;
  project: string;
  amount: string;
  thresholds: string;
  forecastAlert: boolean;
};

export function BudgetForm({
  values,
  projects,
  currency,
  onDone,
}: {
  values: BudgetFormValues;
  projects: string[];
  currency: string;
  onDone?: () => void;
}) {
  const { submit, pending, result: state } = useAction(saveBudget);
  const [v, setV] = useState(values);
  const bind = (k: "displayName" | "project" | "amount" | "thresholds") => ({
    value: v[k],
    onChange: (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value }),
  });
  const err = (k: string) => (state && !state.ok ? state.fieldErrors?.[k] : undefined);
  const id = values.budget ? values.budget.split("/").pop() : "new";
  return (
    <form
      className="grid gap-3 sm:grid-cols-2"
      aria-label={values.budget ? `Edit budget ${values.displayName}` : "New budget"}
      onSubmit={(e) => {
        e.preventDefault();
        // An edit keeps the budget's project (the action checks it against Google's copy).
        const { account, budget, etag } = values;
        submit(
          {
            account,
            budget,
            etag,
            displayName: v.displayName,
            project: budget ? values.project : v.project,
            amount: v.amount,
            thresholds: v.thresholds,
            forecastAlert: v.forecastAlert,
          },
          (r) => r.ok && onDone?.(),
        );
      }}
    >
      <Field label="Name" htmlFor={`b-name-${id}`} error={err("displayName")}>
        <Input id={`b-name-${id}`} {...bind("displayName")} maxLength={80} />
      </Field>
      <Field label="Scope" htmlFor={`b-project-${id}`} error={err("project")}>
        <Select id={`b-project-${id}`} {...bind("project")} disabled={Boolean(values.budget)}>
          <option value="">Choose a project</option>
          {projects.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
        </Select>
      </Field>
      <Field label={`Amount per month (${currency})`} htmlFor={`b-amount-${id}`} error={err("amount")}>
        <Input id={`b-amount-${id}`} {...bind("amount")} inputMode="decimal" />
      </Field>
      <Field
        label="Alert at (% of the amount, comma-separated)"
        htmlFor={`b-thresholds-${id}`}
        error={err("thresholds")}
      >
        <Input id={`b-thresholds-${id}`} {...bind("thresholds")} />
      </Field>
      <label className="flex items-center gap-2 text-sm sm:col-span-2">
        <input
          type="checkbox"
          checked={v.forecastAlert}
          onChange={(e) => setV({ ...v, forecastAlert: e.target.checked })}
        />{" "}
        Also alert when the forecast reaches 100 %
      </label>
      <div className="flex items-center gap-3 sm:col-span-2">
        <Button type="submit" disabled={pending}>
          {pending ? "Saving…" : values.budget ? "Save budget" : "Create budget"}
        </Button>
        {state && !state.ok && (
          <Notice tone="error">{[state.error, ...(state.fieldErrors?._form ?? [])].join(" ")}</Notice>
        )}
        {state?.ok && <Notice tone="success">{state.message}</Notice>}
      </div>
    </form>
  );
}
