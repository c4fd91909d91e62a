"use client";

import { signOut } from "next-auth/react";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";

export function UserMenu({ email, role }: { email: string; role: string }) {
  return (
    <div className="flex items-center gap-3">
      <div className="hidden text-right sm:block">
        <div className="text-sm font-medium" data-testid="current-user">
          {email}
        </div>
      </div>
      <Badge tone="indigo">{role}</Badge>
      <Button variant="secondary" onClick={() => signOut({ callbackUrl: "/signin" })}>
        Sign out
      </Button>
    </div>
  );
}
