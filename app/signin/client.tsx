"use client";

import { signIn } from "next-auth/react";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Notice } from "@/components/ui/panel";

type LocalAccount = { email: string; role: string; description: string };

export function SignInOptions(props: {
  google: boolean;
  localAccounts: LocalAccount[];
  callbackUrl: string;
  error?: string;
}) {
  const [pending, setPending] = useState<string | null>(null);
  const go = (provider: string, email?: string) => {
    setPending(email ?? provider);
    void signIn(provider, { callbackUrl: props.callbackUrl, ...(email ? { email } : {}) });
  };
  return (
    <div className="flex flex-col gap-4">
      {props.error && <Notice tone="error">{props.error}</Notice>}
      {props.google && (
        <Button onClick={() => go("google")} disabled={pending !== null} className="h-10">
          Sign in with Google
        </Button>
      )}
      {props.localAccounts.length > 0 && (
        <div className="rounded-lg border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
          <p className="border-b border-zinc-200 px-4 py-2.5 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
            Local mode: choose an account. Each has a role.
          </p>
          <ul>
            {props.localAccounts.map((a) => (
              <li key={a.email} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                <button
                  type="button"
                  onClick={() => go("local", a.email)}
                  disabled={pending !== null}
                  className="flex w-full items-center justify-between gap-3 px-4 py-3 text-left hover:bg-zinc-50 disabled:opacity-60 dark:hover:bg-zinc-800/60"
                >
                  <span>
                    <span className="block text-sm font-medium">Sign in as {a.email}</span>
                    <span className="block text-xs text-zinc-500 dark:text-zinc-400">{a.description}</span>
                  </span>
                  <Badge tone="indigo">{pending === a.email ? "…" : a.role}</Badge>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {!props.google && props.localAccounts.length === 0 && (
        <Notice tone="error">
          No sign-in method is configured. Set AUTH_GOOGLE_ID and AUTH_GOOGLE_SECRET, or AUTH_LOCAL_ENABLED=true.
        </Notice>
      )}
    </div>
  );
}
