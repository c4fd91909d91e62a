import type { ReactNode } from "react";
import { AppShell } from "@/components/shell/app-shell";
import { LocalSignInBanner } from "@/components/shell/local-sign-in-banner";
import { requireActor } from "@/lib/auth/session";
import { config } from "@/lib/config";

export const dynamic = "force-dynamic";

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const actor = await requireActor();
  return (
    <>
      <LocalSignInBanner show={config().localSignInWarning} />
      <AppShell actor={actor}>{children}</AppShell>
    </>
  );
}
