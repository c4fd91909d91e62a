// A small in-process cache for upstream reads: entries live `ttlMs`, and
// concurrent callers of the same key share one in-flight request.

type Entry<T> = { value: Promise<T>; expires: number };

export class TtlCache<T> {
  private entries = new Map<string, Entry<T>>();
  constructor(private readonly ttlMs: number, private readonly maxEntries = 500) {}

  get(key: string, load: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.expires > now) return hit.value;
    const value = load();
    this.entries.set(key, { value, expires: now + this.ttlMs });
    // A failure is not remembered: the next caller tries again.
    value.catch(() => this.entries.get(key)?.value === value && this.entries.delete(key));
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }

  /** Forget one key (after a write), or everything whose key starts with a prefix. */
  invalidate(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
