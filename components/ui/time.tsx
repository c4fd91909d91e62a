/** A timestamp in UTC, with the full ISO time on hover. Rendered on the server, so no hydration drift. */
export function Time({ value }: { value: Date | string | null | undefined }) {
  if (!value) return <span className="text-zinc-500 dark:text-zinc-400">—</span>;
  const d = new Date(value);
  const text = d.toISOString().replace("T", " ").slice(0, 19) + " UTC";
  return (
    <time dateTime={d.toISOString()} title={d.toISOString()} className="whitespace-nowrap tabular-nums">
      {text}
    </time>
  );
}
