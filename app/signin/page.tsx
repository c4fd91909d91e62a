import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { config } from "@/lib/config";
import { db } from "@/lib/db";
import { listLocalAccounts } from "@/lib/auth/local-accounts";
import { ROLE_DESCRIPTIONS } from "@/lib/auth/roles";
import { getActor } from "@/lib/auth/session";
import { LocalSignInBanner } from "@/components/shell/local-sign-in-banner";
import { SignInOptions } from "./client";

export const metadata: Metadata = { title: "Sign in" };

const ERRORS: Record<string, string> = {
  AccessDenied: "That account may not sign in to this portal.",
  CredentialsSignin: "Local sign-in failed for that account.",
  OAuthCallback: "Google sign-in did not complete. Please try again.",
};

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { error, callbackUrl } = await searchParams;
  if (await getActor()) redirect("/");
  const cfg = config();
  const localAccounts = cfg.auth.localSignIn
    ? (await listLocalAccounts(db())).map((u) => ({ ...u, description: ROLE_DESCRIPTIONS[u.role] }))
    : [];
  return (
    <>
      <LocalSignInBanner show={cfg.localSignInWarning} />
      <main className="grid min-h-screen place-items-center px-4">
        <div className="w-full max-w-sm">
          <div className="mb-6 flex items-center gap-2">
            <span className="grid size-8 place-items-center rounded-md bg-indigo-600 font-bold text-white">R</span>
            <div>
              <h1 className="text-lg font-semibold leading-tight">Sign in to Runway</h1>
              <p className="text-xs text-zinc-500 dark:text-zinc-400">Cloud Run fleet portal</p>
            </div>
          </div>
          <SignInOptions
            google={Boolean(cfg.auth.google)}
            localAccounts={localAccounts}
            callbackUrl={callbackUrl?.startsWith("/") ? callbackUrl : "/"}
            error={error ? (ERRORS[error] ?? "Sign-in failed. Please try again.") : undefined}
          />
        </div>
      </main>
    </>
  );
}
