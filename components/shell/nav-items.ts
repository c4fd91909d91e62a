import type { Role } from "@/lib/auth/roles";

export type NavItem = {
  href: string;
  label: string;
  /** Second key of the "g <key>" shortcut. */
  key: string;
  minRole?: Role;
  /** An area that has not been built yet: shown, but not a link. */
  soon?: boolean;
};

export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "Fleet", key: "f" },
  { href: "/logs", label: "Logs", key: "l" },
  { href: "/incidents", label: "Incidents", key: "i" },
  { href: "/costs", label: "Costs", key: "c" },
  { href: "/schedules", label: "Schedules & jobs", key: "j" },
  { href: "/secrets", label: "Secrets", key: "s", minRole: "developer" },
  { href: "/databases", label: "Databases", key: "d", minRole: "operator" },
  { href: "/channels", label: "Channels", key: "n", minRole: "operator" },
  { href: "/audit", label: "Audit", key: "a" },
  { href: "/users", label: "Users", key: "u", minRole: "admin" },
  { href: "/settings", label: "Settings", key: "t", minRole: "admin" },
];
