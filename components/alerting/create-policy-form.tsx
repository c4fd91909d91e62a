"use client";
// A new alert policy from one of the plans' templates: pick the template, adjust
// its threshold and duration, choose the channels. The server checks it all
// again; field errors come back beside their fields and nothing is created.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";
import { TEMPLATES, TEMPLATE_KINDS, type TemplateKind } from "@/lib/alerting/templates";
import { createAlertPolicy } from "./actions";
import { useAction } from "@/components/ui/use-action";

type Option = { name: string; label: string };
type Props = {
  service: { project: string; region: string; service: string };
  channels: (Option & { runway: boolean })[];
  uptimeChecks: Option[];
  slos: Option[];
};

export function CreatePolicyForm({ service, channels, uptimeChecks, slos }: Props) {
  const { submit, pending, result, fieldErrors: errors } = useAction(createAlertPolicy);
  const [kind, setKind] = useState<TemplateKind>("error-share");
  const t = TEMPLATES[kind];
  const [threshold, setThreshold] = useState(String(t.defaults.threshold));
  const [duration, setDuration] = useState(String(t.defaults.durationSeconds));
  const [chosen, setChosen] = useState<string[]>(() => channels.filter((c) => c.runway).map((c) => c.name));
  const [uptimeCheckId, setUptimeCheckId] = useState(uptimeChecks[0]?.name ?? "");
  const [sloName, setSloName] = useState(slos[0]?.name ?? "");

  const choose = (k: TemplateKind) => {
    setKind(k);
    setThreshold(String(TEMPLATES[k].defaults.threshold));
    setDuration(String(TEMPLATES[k].defaults.durationSeconds));
  };
  const toggle = (name: string) => setChosen((c) => (c.includes(name) ? c.filter((n) => n !== name) : [...c, name]));
  const go = () =>
    submit({
      ...service,
      kind,
      threshold,
      durationSeconds: duration,
      channels: chosen,
      uptimeCheckId: t.needs === "uptime-check" ? uptimeCheckId : "",
      sloName: t.needs === "slo" ? sloName : "",
    });

  return (
    <form
      aria-label="New alert policy"
      className="space-y-3 px-4 py-3"
      onSubmit={(e) => {
        e.preventDefault();
        go();
      }}
    >
      <div className="flex flex-wrap items-start gap-4">
        <Field label="Template" htmlFor="policy-kind" error={errors.kind}>
          <Select id="policy-kind" value={kind} onChange={(e) => choose(e.target.value as TemplateKind)}>
            {TEMPLATE_KINDS.map((k) => (
              <option key={k} value={k}>
                {TEMPLATES[k].title}
              </option>
            ))}
          </Select>
        </Field>
        <Field label={t.thresholdLabel} htmlFor="policy-threshold" error={errors.threshold}>
          <Input
            id="policy-threshold"
            inputMode="decimal"
            value={threshold}
            onChange={(e) => setThreshold(e.target.value)}
            className="w-28"
          />
        </Field>
        <Field label="For at least (seconds)" htmlFor="policy-duration" error={errors.durationSeconds}>
          <Input
            id="policy-duration"
            inputMode="numeric"
            value={duration}
            onChange={(e) => setDuration(e.target.value)}
            className="w-28"
          />
        </Field>
        {t.needs === "uptime-check" && (
          <Field label="Uptime check" htmlFor="policy-check" error={errors.uptimeCheckId}>
            <Select id="policy-check" value={uptimeCheckId} onChange={(e) => setUptimeCheckId(e.target.value)}>
              {uptimeChecks.length === 0 && <option value="">none yet: add one below</option>}
              {uptimeChecks.map((c) => (
                <option key={c.name} value={c.name}>
                  {c.label}
                </option>
              ))}
            </Select>
          </Field>
        )}
        {t.needs === "slo" && (
          <Field label="SLO" htmlFor="policy-slo" error={errors.sloName}>
            <Select id="policy-slo" value={sloName} onChange={(e) => setSloName(e.target.value)}>
              {slos.length === 0 && <option value="">none yet: add one below</option>}
              {slos.map((s) => (
                <option key={s.name} value={s.name}>
                  {s.label}
                </option>
              ))}
            </Select>
          </Field>
        )}
      </div>
      <fieldset>
        <legend className="text-xs font-medium text-zinc-600 dark:text-zinc-400">Notify</legend>
        {channels.length === 0 ? (
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            No notification channels in {service.project} yet; an operator adds them under Channels. The policy still
            opens incidents in Cloud Monitoring.
          </p>
        ) : (
          <div className="mt-1 flex flex-wrap gap-4">
            {channels.map((c) => (
              <label key={c.name} className="flex items-center gap-1.5 text-sm">
                <input type="checkbox" checked={chosen.includes(c.name)} onChange={() => toggle(c.name)} /> {c.label}
              </label>
            ))}
          </div>
        )}
        {errors.channels?.map((e) => (
          <p key={e} className="text-xs text-red-600 dark:text-red-400">
            {e}
          </p>
        ))}
      </fieldset>
      {result &&
        (result.ok ? <Notice tone="success">{result.message}</Notice> : <Notice tone="error">{result.error}</Notice>)}
      <Button type="submit" disabled={pending}>
        {pending ? "Creating…" : "Create policy"}
      </Button>
    </form>
  );
}
