import type { Role } from "@/lib/auth/roles";
import { Notice } from "@/components/ui/panel";

/** Shown instead of a page the actor's role may not open. */
export function Forbidden({ role, needed }: { role: Role; needed: Role }) {
  return (
    <div className="max-w-xl">
      <h1 className="mb-3 text-xl font-semibold">Not allowed</h1>
      <Notice tone="error">
        This page needs the {needed} role. You are signed in as {role}.
      </Notice>
    </div>
  );
}
