export default function Loading() {
  return (
    <div className="space-y-3 motion-safe:animate-pulse" role="status" aria-busy="true" aria-label="Loading">
      <div className="h-6 w-48 rounded bg-zinc-200 dark:bg-zinc-800" />
      <div className="h-40 rounded-lg bg-zinc-200/70 dark:bg-zinc-800/70" />
    </div>
  );
}
