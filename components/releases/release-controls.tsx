"use client";
// A person steps into a running release: pause or resume, promote now (after a
// confirmation that says what changes), abort now. Each is a guarded action.
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { Notice } from "@/components/ui/panel";
import { useAction } from "@/components/ui/use-action";
import type { ReleaseJson } from "@/lib/releases";
import { abortRelease, pauseRelease, promoteRelease, resumeRelease } from "./actions";

type Ref = { project: string; region: string; service: string };
type Control = typeof pauseRelease;

export function ReleaseControls({
  service,
  release,
  onChanged,
}: {
  service: Ref;
  release: ReleaseJson;
  onChanged: () => void;
}) {
  const { run: call, pending, result } = useAction<{ release: string; state: string }>(null);
  const [confirming, setConfirming] = useState(false);
  const run = (action: Control) =>
    call(action, { ...service, release: release.id }, () => {
      setConfirming(false);
      onChanged();
    });
  const busy = pending || release.moving !== null;
  const paused = release.state === "paused" || release.state === "holding";
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        {paused ? (
          <Button variant="secondary" disabled={busy} onClick={() => run(resumeRelease)}>
            Resume
          </Button>
        ) : (
          <Button variant="secondary" disabled={busy} onClick={() => run(pauseRelease)}>
            Pause
          </Button>
        )}
        <Button variant="secondary" disabled={busy} onClick={() => setConfirming(true)}>
          Promote now
        </Button>
        <Button variant="danger" disabled={busy} onClick={() => run(abortRelease)}>
          Abort now
        </Button>
      </div>
      {result && !result.ok && <Notice tone="error">{result.error}</Notice>}
      <Dialog open={confirming} onClose={() => setConfirming(false)} label="Confirm promotion" className="w-96">
        <h2 className="font-medium">Promote {release.canary} now?</h2>
        <p className="text-sm">
          All traffic goes to the canary without waiting for the remaining steps and their checks. Its tag{" "}
          <code>{release.canaryTag}</code> stays.
        </p>
        <div className="flex justify-end gap-2">
          <Button variant="ghost" onClick={() => setConfirming(false)}>
            Cancel
          </Button>
          <Button disabled={pending} onClick={() => run(promoteRelease)}>
            {pending ? "Promoting…" : "Send all traffic to the canary"}
          </Button>
        </div>
      </Dialog>
    </div>
  );
}
