"use client";

import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/panel";

export default function PortalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="space-y-3">
      <Notice tone="error">
        This page could not be loaded{error.digest ? ` (reference ${error.digest})` : ""}. The details are in the server
        log.
      </Notice>
      <Button variant="secondary" onClick={reset}>
        Try again
      </Button>
    </div>
  );
}
