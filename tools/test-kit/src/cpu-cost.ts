// Small helpers for benchmarks that count CPU per operation (process.cpuUsage moves much
// less than wall-clock rates on a shared machine).

/**
 * Plaintexts of the lengths of the rows sealed in envelope message values
 * (`{"nonce":"..","ciphertext":"<hex of ciphertext||16-byte tag>"}`), as ASCII JSON text:
 * what sealing those rows again would cost, without their keys.
 */
export function plaintextsLike(values: readonly string[]): string[] {
  return values.map((value) => {
    const hex = /"ciphertext":"([0-9a-fA-F]*)"/.exec(value)?.[1] ?? ''
    const bytes = Math.max(0, hex.length / 2 - 16)
    return `{"row":"${'x'.repeat(Math.max(0, bytes - 10))}"}`
  })
}

/** CPU µs per call of `fn` over `items` (all of them `repeat` times a round), best of `rounds`. */
export function cpuPerCall<T>(items: readonly T[], fn: (item: T) => unknown, rounds = 5, repeat = 4): number {
  if (items.length === 0) throw new Error('cpuPerCall: no items')
  for (const item of items) fn(item)
  let best = Number.POSITIVE_INFINITY
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage()
    for (let k = 0; k < repeat; k++) for (const item of items) fn(item)
    const c = process.cpuUsage(c0)
    best = Math.min(best, (c.user + c.system) / (repeat * items.length))
  }
  return best
}
