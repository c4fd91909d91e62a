"use client";
// Create or edit a budget (operator+). The server action validates again and
// audits; its field errors appear under the fields they concern.
import { useRouter } from "next/navigation";
import { useActionState, useEffect } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";
import { saveBudget } from "./actions";

export type BudgetFormValues = {
  account: string; budget?: string; etag?: string; displayName: string; project: string; amount: string; thresholds: string; forecastAlert: boolean;
};

export function BudgetForm({ values, projects, currency, onDone }: { values: BudgetFormValues; projects: string[]; currency: string; onDone?: () => void }) {
  const [state, action, pending] = useActionState(saveBudget, null);
  const router = useRouter();
  useEffect(() => {
    if (state?.ok) {
      router.refresh();
      onDone?.();
    }
  }, [state, router, onDone]);
  const err = (k: string) => (state && !state.ok ? state.fieldErrors?.[k] : undefined);
  const id = values.budget ? values.budget.split("/").pop() : "new";
  return (
    <form action={action} className="grid gap-3 sm:grid-cols-2" aria-label={values.budget ? `Edit budget ${values.displayName}` : "New budget"}>
      <input type="hidden" name="account" value={values.account} />
      {values.budget && <input type="hidden" name="budget" value={values.budget} />}
      {values.etag && <input type="hidden" name="etag" value={values.etag} />}
      <Field label="Name" htmlFor={`b-name-${id}`} error={err("displayName")}>
        <Input id={`b-name-${id}`} name="displayName" defaultValue={values.displayName} maxLength={80} />
      </Field>
      <Field label="Scope" htmlFor={`b-project-${id}`} error={err("project")}>
        <Select id={`b-project-${id}`} name="project" defaultValue={values.project}>
          <option value="">The whole billing account</option>
          {projects.map((p) => <option key={p} value={p}>{p}</option>)}
        </Select>
      </Field>
      <Field label={`Amount per month (${currency})`} htmlFor={`b-amount-${id}`} error={err("amount")}>
        <Input id={`b-amount-${id}`} name="amount" defaultValue={values.amount} inputMode="decimal" />
      </Field>
      <Field label="Alert at (% of the amount, comma-separated)" htmlFor={`b-thresholds-${id}`} error={err("thresholds")}>
        <Input id={`b-thresholds-${id}`} name="thresholds" defaultValue={values.thresholds} />
      </Field>
      <label className="flex items-center gap-2 text-sm sm:col-span-2">
        <input type="checkbox" name="forecastAlert" defaultChecked={values.forecastAlert} /> Also alert when the forecast reaches 100 %
      </label>
      <div className="flex items-center gap-3 sm:col-span-2">
        <Button type="submit" disabled={pending}>{pending ? "Saving…" : values.budget ? "Save budget" : "Create budget"}</Button>
        {state && !state.ok && <Notice tone="error">{[state.error, ...(state.fieldErrors?._form ?? [])].join(" ")}</Notice>}
        {state?.ok && <Notice tone="success">{state.message}</Notice>}
      </div>
    </form>
  );
}
