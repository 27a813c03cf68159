import { describe, expect, it } from 'vitest'
import { chunkQuery, keysetCondition } from '../src/index.ts'

// An independent oracle: lexicographic "greater than" on tuples
function greater(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) {
    if ((a[i] as number) !== (b[i] as number)) return (a[i] as number) > (b[i] as number)
  }
  return false
}

// Evaluates the generated condition on a tuple by substituting the parameters in order
function evaluate(columns: string[], row: number[], last: number[]): boolean {
  const { sql, params } = keysetCondition(columns)
  const values = params(last)
  let i = 0
  let js = sql.replace(/\?/g, () => String(values[i++]))
  columns.forEach((c, k) => {
    js = js.replaceAll(`\`${c}\``, String(row[k]))
  })
  js = js
    .replaceAll(' AND ', ' && ')
    .replaceAll(' OR ', ' || ')
    .replace(/([^<>!=])=([^=])/g, '$1===$2')
  return Function(`return (${js})`)() as boolean
}

describe('keysetCondition', () => {
  it('is the tuple comparison (k1, …) > (v1, …) for 1 to 3 columns', () => {
    const values = [0, 1, 2]
    for (const n of [1, 2, 3]) {
      const cols = ['a', 'b', 'c'].slice(0, n)
      const tuples: number[][] = [[]]
      for (let k = 0; k < n; k++) {
        const next: number[][] = []
        for (const t of tuples) for (const v of values) next.push([...t, v])
        tuples.splice(0, tuples.length, ...next)
      }
      for (const row of tuples)
        for (const last of tuples) expect(evaluate(cols, row, last)).toBe(greater(row, last))
    }
  })

  it('quotes identifiers and orders by the key', () => {
    const q = chunkQuery('d`b', 't', '`x`', ['we`ird'], 10, ['v'])
    expect(q.sql).toBe('SELECT `x` FROM `d``b`.`t` WHERE `we``ird` > ? ORDER BY `we``ird` LIMIT 10')
    expect(q.params).toEqual(['v'])
    expect(chunkQuery('d', 't', '*', ['a'], 5, null).sql).toBe('SELECT * FROM `d`.`t` ORDER BY `a` LIMIT 5')
  })
})
