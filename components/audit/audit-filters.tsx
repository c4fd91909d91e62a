import Link from "next/link";
import { Button } from "@/components/ui/button";
import { Field, Input, Select } from "@/components/ui/field";
import { AUDIT_OUTCOMES } from "@/lib/audit";

type Values = { actor?: string; action?: string; target?: string; outcome?: string };

/** A plain GET form: filters live in the URL, so a filtered view can be shared. */
export function AuditFilters({ actions, values }: { actions: string[]; values: Values }) {
  return (
    <form
      method="get"
      action="/audit"
      className="flex flex-wrap items-end gap-3"
      role="search"
      aria-label="Filter audit events"
    >
      <Field label="Actor" htmlFor="f-actor">
        <Input
          id="f-actor"
          name="actor"
          defaultValue={values.actor}
          placeholder="someone@example.com"
          className="w-56"
        />
      </Field>
      <Field label="Action" htmlFor="f-action">
        <Select id="f-action" name="action" defaultValue={values.action ?? ""} className="w-52">
          <option value="">Any action</option>
          {actions.map((a) => (
            <option key={a} value={a}>
              {a}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Target (end with * for a prefix)" htmlFor="f-target">
        <Input id="f-target" name="target" defaultValue={values.target} placeholder="projects/p/*" className="w-64" />
      </Field>
      <Field label="Outcome" htmlFor="f-outcome">
        <Select id="f-outcome" name="outcome" defaultValue={values.outcome ?? ""}>
          <option value="">Any outcome</option>
          {AUDIT_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </Select>
      </Field>
      <Button type="submit">Filter</Button>
      <Link href="/audit" className="h-8 content-center text-sm text-zinc-500 hover:underline dark:text-zinc-400">
        Clear
      </Link>
    </form>
  );
}
