"use client";
// The budgets of the billing accounts paying for the fleet, and (operators)
// a form for a new one.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/panel";
import { BudgetCard, type BudgetCardData } from "./budget-card";
import { BudgetForm } from "./budget-form";

export function BudgetsPanel({
  budgets,
  accounts,
  canEdit,
}: {
  budgets: BudgetCardData[];
  accounts: { name: string; displayName: string; currency: string; projects: string[] }[];
  canEdit: boolean;
}) {
  const [adding, setAdding] = useState(false);
  const account = accounts[0];
  return (
    <div className="space-y-3 px-4 py-3">
      {budgets.length ? (
        <ul className="grid gap-3 lg:grid-cols-2">
          {budgets.map((b) => (
            <BudgetCard
              key={b.name}
              b={b}
              canEdit={canEdit}
              projects={accounts.find((a) => a.name === b.account)?.projects ?? []}
            />
          ))}
        </ul>
      ) : (
        <EmptyState title="No budgets yet">A budget says how much a month may cost and when to warn.</EmptyState>
      )}
      {canEdit &&
        account &&
        (adding ? (
          <div className="rounded-md border border-zinc-200 p-3 dark:border-zinc-800">
            <h3 className="mb-2 text-sm font-semibold">New budget on {account.displayName}</h3>
            <BudgetForm
              projects={account.projects}
              currency={account.currency}
              onDone={() => setAdding(false)}
              values={{
                account: account.name,
                displayName: "",
                project: "",
                amount: "",
                thresholds: "50, 90, 100",
                forecastAlert: true,
              }}
            />
          </div>
        ) : (
          <Button variant="secondary" onClick={() => setAdding(true)}>
            New budget
          </Button>
        ))}
    </div>
  );
}
