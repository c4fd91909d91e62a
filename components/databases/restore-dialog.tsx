"use client";

import { useState } from "react";
import { restoreBackup } from "./actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Field, Input, Select } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";
import { useAction } from "@/components/ui/use-action";

type Backup = { id: string; label: string };
type Props = { project: string; source: string; backups: Backup[]; targets: string[] };

/** Choose a backup of `source` and a target; typing the target's name arms the button. */
export function RestoreDialog({ project, source, backups, targets }: Props) {
  const [open, setOpen] = useState(false);
  const [backupRunId, setBackup] = useState(backups[0]?.id ?? "");
  const [target, setTarget] = useState(source);
  const [confirmName, setConfirm] = useState("");
  const { submit, pending, result, fieldErrors } = useAction(restoreBackup, { followAt: "/databases" });
  if (backups.length === 0)
    return (
      <Button variant="secondary" disabled title="No successful backup to restore">
        Restore…
      </Button>
    );
  const id = `${project}-${source}`;
  return (
    <div className="relative">
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Restore…
      </Button>
      <Dialog
        open={open}
        onClose={() => {
          setOpen(false);
          setConfirm("");
        }}
        label={`Restore ${source}`}
        className="w-[28rem]"
      >
        <h2 className="font-medium">Restore a backup of {source}</h2>
        <Field label="Backup" htmlFor={`${id}-backup`} error={fieldErrors.backupRunId}>
          <Select id={`${id}-backup`} value={backupRunId} onChange={(e) => setBackup(e.target.value)}>
            {backups.map((b) => (
              <option key={b.id} value={b.id}>
                {b.label}
              </option>
            ))}
          </Select>
        </Field>
        <Field label="Target instance" htmlFor={`${id}-target`} error={fieldErrors.instance}>
          <Select
            id={`${id}-target`}
            value={target}
            onChange={(e) => {
              setTarget(e.target.value);
              setConfirm("");
            }}
          >
            {targets.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </Select>
        </Field>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          All data in <strong className="font-mono">{target}</strong> is replaced by the backup; the instance restarts
          and drops its connections. An automatic backup of {target} is taken first.
        </p>
        <Field label={`Type ${target} to confirm`} htmlFor={`${id}-confirm`} error={fieldErrors.confirmName}>
          <Input
            id={`${id}-confirm`}
            value={confirmName}
            autoComplete="off"
            onChange={(e) => setConfirm(e.target.value)}
          />
        </Field>
        {result && !result.ok && <Notice tone="error">{result.error}</Notice>}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button
            variant="danger"
            disabled={pending || confirmName !== target}
            onClick={() =>
              submit(
                { project, instance: target, sourceInstance: source, backupRunId, confirmName },
                (r) => r.ok && setOpen(false),
              )
            }
          >
            {pending ? "Starting restore…" : `Restore into ${target}`}
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
