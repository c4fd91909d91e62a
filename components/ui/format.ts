/** "3 min ago", "2 h ago", "5 d ago": rendered on the server at request time. */
export function ago(date: Date | string | null | undefined, now = Date.now()): string {
  if (!date) return "—";
  const s = Math.max(0, Math.round((now - new Date(date).getTime()) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** `2026-11-23 11:58 UTC`; a dash when there is no date. */
export function utc(date: Date | null | undefined): string {
  return date ? `${date.toISOString().slice(0, 16).replace("T", " ")} UTC` : "—";
}
