"use client";

import { useState } from "react";
import { rotateSecret } from "./actions";
import { useAction } from "@/components/ui/use-action";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";

type Reader = { service: string; id: string; region: string; checkPath: string };
type Props = {
  project: string;
  secret: string;
  previousVersion: string | null;
  checksNeeded: number;
  alphabets: [string, string][];
  readers: Reader[];
  instances: string[];
  sql: { instance: string; user: string } | null;
};

/**
 * The guided rotation: choose or type the value, say whether it is a Cloud
 * SQL user's password, set where each reader is checked, read what will
 * happen, go. Typed values leave the form as soon as it is submitted.
 */
export function RotateForm({
  project,
  secret,
  previousVersion,
  checksNeeded,
  alphabets,
  readers,
  instances,
  sql,
}: Props) {
  const {
    submit: start,
    pending,
    result,
    fieldErrors: errors,
  } = useAction(rotateSecret, { followAt: `/secrets/${project}/${secret}` });
  const [mode, setMode] = useState<"generate" | "enter">("generate");
  const [length, setLength] = useState("32");
  const [alphabet, setAlphabet] = useState<string>("letters-digits");
  const [newValue, setNewValue] = useState("");
  const [confirmValue, setConfirmValue] = useState("");
  const [setSql, setSetSql] = useState(Boolean(sql));
  const [sqlInstance, setSqlInstance] = useState(sql?.instance ?? instances[0] ?? "");
  const [sqlUser, setSqlUser] = useState(sql?.user ?? "");
  const [checks, setChecks] = useState(() => Object.fromEntries(readers.map((r) => [r.service, r.checkPath])));

  // Typed values leave the form's state as soon as the rotation has started.
  const submit = () =>
    start(
      {
        project,
        secret,
        mode,
        length,
        alphabet,
        newValue,
        confirmValue,
        setSqlPassword: setSql ? "on" : "off",
        sqlInstance,
        sqlUser,
        checks,
      },
      (r) => {
        if (r.ok) {
          setNewValue("");
          setConfirmValue("");
        }
      },
    );

  const radio = "flex items-center gap-2 text-sm";
  return (
    <form
      className="space-y-5 p-4"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      aria-label={`Rotate ${secret}`}
    >
      <fieldset className="space-y-3">
        <legend className="mb-2 text-sm font-medium">New value</legend>
        <div className="flex flex-wrap gap-6">
          <label className={radio}>
            <input type="radio" name="mode" checked={mode === "generate"} onChange={() => setMode("generate")} />{" "}
            Generate one
          </label>
          <label className={radio}>
            <input type="radio" name="mode" checked={mode === "enter"} onChange={() => setMode("enter")} /> Enter a
            value
          </label>
        </div>
        {mode === "generate" ? (
          <div className="flex flex-wrap gap-4">
            <Field label="Length" htmlFor="rotate-length" error={errors.length}>
              <Input
                id="rotate-length"
                type="number"
                min={16}
                max={256}
                value={length}
                onChange={(e) => setLength(e.target.value)}
                className="w-24"
              />
            </Field>
            <Field label="Characters" htmlFor="rotate-alphabet" error={errors.alphabet}>
              <Select id="rotate-alphabet" value={alphabet} onChange={(e) => setAlphabet(e.target.value)}>
                {alphabets.map(([value, label]) => (
                  <option key={value} value={value}>
                    {label}
                  </option>
                ))}
              </Select>
            </Field>
            <p className="self-end pb-1 text-xs text-zinc-500 dark:text-zinc-400">
              Generated on the server and written straight to Secret Manager; nobody sees it.
            </p>
          </div>
        ) : (
          <div className="flex flex-wrap gap-4">
            <Field label="New value" htmlFor="rotate-value" error={errors.newValue}>
              <Input
                id="rotate-value"
                type="password"
                autoComplete="new-password"
                value={newValue}
                onChange={(e) => setNewValue(e.target.value)}
                className="w-72"
              />
            </Field>
            <Field label="New value again" htmlFor="rotate-confirm" error={errors.confirmValue}>
              <Input
                id="rotate-confirm"
                type="password"
                autoComplete="new-password"
                value={confirmValue}
                onChange={(e) => setConfirmValue(e.target.value)}
                className="w-72"
              />
            </Field>
          </div>
        )}
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="mb-2 text-sm font-medium">Cloud SQL</legend>
        <label className={radio}>
          <input type="checkbox" checked={setSql} onChange={(e) => setSetSql(e.target.checked)} />
          This is a Cloud SQL user&apos;s password: set it there too
        </label>
        {setSql && (
          <div className="flex flex-wrap gap-4">
            <Field label="Instance" htmlFor="rotate-sql-instance" error={errors.sqlInstance}>
              <Select id="rotate-sql-instance" value={sqlInstance} onChange={(e) => setSqlInstance(e.target.value)}>
                {instances.length === 0 && <option value="">no instance in {project}</option>}
                {instances.map((i) => (
                  <option key={i} value={i}>
                    {i}
                  </option>
                ))}
              </Select>
            </Field>
            <Field label="Database user" htmlFor="rotate-sql-user" error={errors.sqlUser}>
              <Input
                id="rotate-sql-user"
                value={sqlUser}
                onChange={(e) => setSqlUser(e.target.value)}
                className="w-48"
              />
            </Field>
          </div>
        )}
        {!setSql && (
          <p className="text-xs text-zinc-500 dark:text-zinc-400">
            Leave this off when the value was already changed at its source (for example by a DBA); a wrong value fails
            the checks and is rolled back.
          </p>
        )}
      </fieldset>

      <fieldset className="space-y-2">
        <legend className="mb-2 text-sm font-medium">Services redeployed and checked</legend>
        {readers.length === 0 ? (
          <p className="text-sm text-zinc-500 dark:text-zinc-400">
            No service reads {secret}; only the versions change.
          </p>
        ) : (
          <ul className="space-y-2">
            {readers.map((r) => (
              <li key={r.service} className="flex flex-wrap items-end gap-3">
                <span className="w-56 text-sm">
                  <span className="font-medium">{r.id}</span>{" "}
                  <span className="text-xs text-zinc-500 dark:text-zinc-400">{r.region}</span>
                </span>
                <Field label={`Check path for ${r.id}`} htmlFor={`check-${r.id}`} error={errors[`checks.${r.service}`]}>
                  <Input
                    id={`check-${r.id}`}
                    value={checks[r.service]}
                    onChange={(e) => setChecks({ ...checks, [r.service]: e.target.value })}
                    className="w-48 font-mono"
                  />
                </Field>
              </li>
            ))}
          </ul>
        )}
      </fieldset>

      <div className="rounded-md bg-zinc-50 p-3 text-sm dark:bg-zinc-800/50">
        <p className="mb-1 font-medium">What happens</p>
        <ol className="list-decimal space-y-0.5 pl-5 text-zinc-600 dark:text-zinc-300">
          <li>The new value is added as the newest version of {secret}.</li>
          {setSql && (
            <li>
              The password of {sqlUser || "the user"} on {sqlInstance || "the instance"} is set to it. Until each
              service below runs its new revision, its connections with the old password fail.
            </li>
          )}
          {readers.map((r) => (
            <li key={r.service}>
              {r.id}: each serving revision is re-created (same image and settings) with no traffic, checked until{" "}
              {checksNeeded} answers in a row succeed on <code>{checks[r.service]}</code> through its own URL, then
              given the old revision&apos;s traffic.
            </li>
          ))}
          <li>{previousVersion ? `v${previousVersion} is disabled.` : "There is no previous version to disable."}</li>
        </ol>
        <p className="mt-2 text-xs text-zinc-500 dark:text-zinc-400">
          If a check fails, it stops: traffic goes back where it was
          {setSql ? ", the Cloud SQL password is set back" : ""}, the old value becomes the latest version again, and
          the new one is disabled.
        </p>
      </div>

      {result && !result.ok && <Notice tone="error">{result.error}</Notice>}
      <div className="flex justify-end">
        <Button type="submit" variant="danger" disabled={pending}>
          {pending ? "Starting rotation…" : `Rotate ${secret}`}
        </Button>
      </div>
    </form>
  );
}
