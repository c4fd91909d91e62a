"use client";
// Developer forms on the service page: an uptime check (path, period, timeout,
// regions) and an SLO (availability or latency, goal, rolling days).
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";
import { createSlo, createUptimeCheck } from "./actions";
import { useAction } from "@/components/ui/use-action";

type Ref = { project: string; region: string; service: string };
const REGIONS = [
  ["USA", "USA"],
  ["EUROPE", "Europe"],
  ["SOUTH_AMERICA", "South America"],
  ["ASIA_PACIFIC", "Asia Pacific"],
] as const;

export function CreateUptimeCheckForm({ service }: { service: Ref }) {
  const { submit, pending, result, fieldErrors: errors } = useAction(createUptimeCheck);
  const [path, setPath] = useState("/health");
  const [period, setPeriod] = useState("60");
  const [timeout, setTimeoutSeconds] = useState("10");
  const [regions, setRegions] = useState<string[]>([]);
  const toggle = (r: string) => setRegions((rs) => (rs.includes(r) ? rs.filter((x) => x !== r) : [...rs, r]));
  return (
    <form
      aria-label="New uptime check"
      className="space-y-3 px-4 py-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit({ ...service, path, periodSeconds: period, timeoutSeconds: timeout, regions });
      }}
    >
      <div className="flex flex-wrap items-start gap-4">
        <Field label="Path" htmlFor="uptime-path" error={errors.path}>
          <Input id="uptime-path" value={path} onChange={(e) => setPath(e.target.value)} className="w-48 font-mono" />
        </Field>
        <Field label="Every" htmlFor="uptime-period" error={errors.periodSeconds}>
          <Select id="uptime-period" value={period} onChange={(e) => setPeriod(e.target.value)}>
            {[60, 300, 600, 900].map((s) => (
              <option key={s} value={s}>
                {s / 60} min
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Timeout (seconds)" htmlFor="uptime-timeout" error={errors.timeoutSeconds}>
          <Input
            id="uptime-timeout"
            inputMode="numeric"
            value={timeout}
            onChange={(e) => setTimeoutSeconds(e.target.value)}
            className="w-24"
          />
        </Field>
      </div>
      <fieldset>
        <legend className="text-xs font-medium text-zinc-600 dark:text-zinc-400">
          Check from (none chosen: all regions; otherwise at least three)
        </legend>
        <div className="mt-1 flex flex-wrap gap-4">
          {REGIONS.map(([value, label]) => (
            <label key={value} className="flex items-center gap-1.5 text-sm">
              <input type="checkbox" checked={regions.includes(value)} onChange={() => toggle(value)} /> {label}
            </label>
          ))}
        </div>
        {errors.regions?.map((e) => (
          <p key={e} className="text-xs text-red-600 dark:text-red-400">
            {e}
          </p>
        ))}
      </fieldset>
      {result &&
        (result.ok ? <Notice tone="success">{result.message}</Notice> : <Notice tone="error">{result.error}</Notice>)}
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create uptime check"}
      </Button>
    </form>
  );
}

export function CreateSloForm({ service }: { service: Ref }) {
  const { submit, pending, result, fieldErrors: errors } = useAction(createSlo);
  const [kind, setKind] = useState<"availability" | "latency">("availability");
  const [goal, setGoal] = useState("99.9");
  const [days, setDays] = useState("30");
  const [latencyMs, setLatencyMs] = useState("1000");
  return (
    <form
      aria-label="New SLO"
      className="space-y-3 px-4 py-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit({ ...service, kind, goalPercent: goal, days, latencyMs: kind === "latency" ? latencyMs : "" });
      }}
    >
      <div className="flex flex-wrap items-start gap-4">
        <Field label="Objective" htmlFor="slo-kind" error={errors.kind}>
          <Select id="slo-kind" value={kind} onChange={(e) => setKind(e.target.value as "availability" | "latency")}>
            <option value="availability">Availability (requests without 5xx)</option>
            <option value="latency">Latency (requests under a threshold)</option>
          </Select>
        </Field>
        {kind === "latency" && (
          <Field label="Threshold (ms)" htmlFor="slo-latency" error={errors.latencyMs}>
            <Input
              id="slo-latency"
              inputMode="numeric"
              value={latencyMs}
              onChange={(e) => setLatencyMs(e.target.value)}
              className="w-24"
            />
          </Field>
        )}
        <Field label="Goal (%)" htmlFor="slo-goal" error={errors.goalPercent}>
          <Input
            id="slo-goal"
            inputMode="decimal"
            value={goal}
            onChange={(e) => setGoal(e.target.value)}
            className="w-24"
          />
        </Field>
        <Field label="Rolling days" htmlFor="slo-days" error={errors.days}>
          <Input
            id="slo-days"
            inputMode="numeric"
            value={days}
            onChange={(e) => setDays(e.target.value)}
            className="w-20"
          />
        </Field>
      </div>
      {result &&
        (result.ok ? <Notice tone="success">{result.message}</Notice> : <Notice tone="error">{result.error}</Notice>)}
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create SLO"}
      </Button>
    </form>
  );
}
