// Bounded caches for table metadata.
//
// zongji keeps one tableMap entry per table id forever (ids change on every FLUSH TABLES
// or ALTER), so the session prunes it at each commit: with FULL row metadata every
// statement re-sends its TableMap, so nothing is lost. The JSON-column catalog is an LRU
// keyed by `db.table`, dropped for a table whenever DDL touches it.

export class LruCache<V> {
  private readonly map = new Map<string, V>()
  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.map.size
  }

  /**
   * A hit is moved to the young end only once the cache is more than half full: below that
   * nothing is evicted soon, and a Map delete + set on every hit (one per TableMap event, so
   * per transaction) was a visible cost. Eviction is least-recently-used among entries hit
   * since then, insertion order otherwise.
   */
  get(key: string): V | undefined {
    const value = this.map.get(key)
    if (value !== undefined && this.map.size > this.capacity >>> 1) {
      this.map.delete(key)
      this.map.set(key, value)
    }
    return value
  }

  set(key: string, value: V): void {
    this.map.delete(key)
    this.map.set(key, value)
    while (this.map.size > this.capacity) {
      const oldest = this.map.keys().next().value as string
      this.map.delete(oldest)
    }
  }

  delete(key: string): void {
    this.map.delete(key)
  }

  deleteWhere(predicate: (key: string) => boolean): void {
    for (const key of [...this.map.keys()]) if (predicate(key)) this.map.delete(key)
  }
}

export function tableKey(database: string, table: string): string {
  return `${database}\u0000${table}`
}
