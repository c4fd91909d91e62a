"use client";
// A service's variance threshold (operator+): flagged above this increase.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/field";
import { useAction } from "@/components/ui/use-action";
import { setVarianceThreshold } from "./actions";

export function ThresholdForm({ project, service, percent }: { project: string; service: string; percent: number }) {
  const { submit, pending, result: state } = useAction(setVarianceThreshold);
  const [value, setValue] = useState(String(percent));
  const error = state && !state.ok ? [...(state.fieldErrors?.percent ?? []), state.error].join(" ") : null;
  return (
    <form
      className="flex items-center gap-1.5"
      onSubmit={(e) => {
        e.preventDefault();
        submit({ project, service, percent: value });
      }}
    >
      <label htmlFor={`threshold-${project}-${service}`} className="text-xs text-zinc-600 dark:text-zinc-400">
        Flag above +
      </label>
      <Input
        id={`threshold-${project}-${service}`}
        name="percent"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        className="h-7 w-16 text-right"
        inputMode="numeric"
      />
      <span className="text-xs">%</span>
      <Button type="submit" variant="secondary" disabled={pending} className="h-7 px-2 text-xs">
        Set
      </Button>
      {error && (
        <span role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error}
        </span>
      )}
    </form>
  );
}
