"use client";
// Operator forms for a project's notification channels: add an e-mail address,
// create Runway's webhook (its token shown this once, from the action's answer,
// and never again).
import { useState } from "react";
import { Button } from "@/components/ui/button";
import { Field, Input } from "@/components/ui/field";
import { Notice } from "@/components/ui/panel";
import { createEmailChannel, createWebhookChannel } from "./actions";
import { useAction } from "@/components/ui/use-action";

export function AddEmailChannel({ project }: { project: string }) {
  const { submit, pending, result, fieldErrors: errors } = useAction(createEmailChannel);
  const [email, setEmail] = useState("");
  return (
    <form
      aria-label={`Add an e-mail channel to ${project}`}
      className="flex flex-wrap items-end gap-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit({ project, email }, (r) => r.ok && setEmail(""));
      }}
    >
      <Field label="E-mail address" htmlFor={`email-${project}`} error={errors.email}>
        <Input
          id={`email-${project}`}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          className="w-64"
          placeholder="oncall@example.com"
        />
      </Field>
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Adding…" : "Add e-mail"}
      </Button>
      {result &&
        (result.ok ? (
          <Notice tone="success">{result.message}</Notice>
        ) : (
          !errors.email && <Notice tone="error">{result.error}</Notice>
        ))}
    </form>
  );
}

/** Stays mounted after the page refreshes with the new channel (`exists`), so the token is still on screen. */
export function CreateRunwayWebhook({ project, exists }: { project: string; exists: boolean }) {
  const { submit, pending, result } = useAction(createWebhookChannel);
  // Held only in this component's memory: a reload forgets it, as promised.
  const [token, setToken] = useState<string | null>(null);
  return (
    <div className="space-y-2">
      {!token && !exists && (
        <Button disabled={pending} onClick={() => submit({ project }, (r) => r.ok && setToken(r.data.token))}>
          {pending ? "Creating…" : "Create Runway's webhook"}
        </Button>
      )}
      {token && (
        <div
          role="status"
          className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200"
        >
          <p className="font-medium">Runway&apos;s webhook is ready. Its token, shown this once and never again:</p>
          <code className="mt-1 block break-all font-mono text-xs" aria-label="Webhook token">
            {token}
          </code>
          <p className="mt-1 text-xs">
            Cloud Monitoring already has it; keep it only if you will point another sender at the intake. Runway stores
            just its hash.
          </p>
        </div>
      )}
      {result && !result.ok && <Notice tone="error">{result.error}</Notice>}
    </div>
  );
}
