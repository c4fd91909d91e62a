"use client";

import { useState } from "react";
import { rollback } from "./actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Notice } from "@/components/ui/panel";
import type { TrafficEntry } from "@/lib/services";
import { useAction } from "@/components/ui/use-action";

type Props = {
  service: { project: string; region: string; service: string };
  etag: string;
  traffic: TrafficEntry[];
  toRevision: string | null;
  path: string;
};

/** One click, then a confirmation that says exactly what will change. */
export function RollbackButton({ service, etag, traffic, toRevision, path }: Props) {
  const [confirming, setConfirming] = useState(false);
  const { submit, pending, result } = useAction(rollback, { followAt: path });
  if (!toRevision)
    return (
      <Button variant="secondary" disabled title="No earlier ready revision">
        Roll back
      </Button>
    );
  const now = traffic
    .filter((t) => t.percent > 0)
    .map((t) => `${t.revision} ${t.percent}%`)
    .join(", ");
  return (
    <div className="relative">
      <Button variant="secondary" onClick={() => setConfirming(true)}>
        Roll back
      </Button>
      <Dialog open={confirming} onClose={() => setConfirming(false)} label="Confirm rollback" className="w-96">
        <h2 className="font-medium">Roll back {service.service}?</h2>
        <dl className="space-y-1 text-xs">
          <div>
            <dt className="inline text-zinc-500 dark:text-zinc-400">Now: </dt>
            <dd className="inline font-mono">{now}</dd>
          </div>
          <div>
            <dt className="inline text-zinc-500 dark:text-zinc-400">After: </dt>
            <dd className="inline font-mono">{toRevision} 100%</dd>
          </div>
        </dl>
        <p className="text-xs text-zinc-500 dark:text-zinc-400">
          Tags keep their URLs. No revision is created or deleted.
        </p>
        {result && !result.ok && <Notice tone="error">{result.error}</Notice>}
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
          <Button
            variant="danger"
            disabled={pending}
            onClick={() => submit({ ...service, etag, toRevision }, (r) => r.ok && setConfirming(false))}
          >
            {pending ? "Rolling back…" : `Send all traffic to ${toRevision}`}
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
