// A small in-process cache for upstream reads: entries live `ttlMs`, and
// concurrent callers of the same key share one in-flight request.

type Entry<T> = { value: Promise<T>; expires: number };

export class TtlCache<T> {
  private entries = new Map<string, Entry<T>>();
  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 500,
  ) {}

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

  /** A fresh entry's value, without loading it when there is none. */
  peek(key: string): Promise<T> | undefined {
    const hit = this.entries.get(key);
    return hit && hit.expires > Date.now() ? hit.value : undefined;
  }

  /** Remember a value read some other way (e.g. a first page that turned out to be the whole list). */
  set(key: string, value: T): void {
    this.entries.set(key, { value: Promise.resolve(value), expires: Date.now() + this.ttlMs });
  }

  /** Forget one key (after a write), or everything whose key starts with a prefix. */
  invalidate(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }
}
