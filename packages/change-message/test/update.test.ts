import { describe, expect, it } from 'vitest'
import { changesFromRow } from '../src/update.ts'

const keyOf = (r: Record<string, unknown>) => ({ id: r.id })
const source = { database: 'd', table: 't', kind: 'update' } as const

describe('changesFromRow', () => {
  it('turns a primary-key-changing update into a delete of the old key, then an upsert of the new', () => {
    const out = changesFromRow(
      'update',
      { before: { id: 1, v: 'a' }, after: { id: 2, v: 'a' } },
      keyOf,
      source,
    )
    expect(out.map((c) => [c.op, c.key])).toEqual([
      ['delete', { id: 1 }],
      ['upsert', { id: 2 }],
    ])
  })

  it('keeps an ordinary update as one upsert carrying the before image', () => {
    const out = changesFromRow(
      'update',
      { before: { id: 1, v: 'a' }, after: { id: 1, v: 'b' } },
      keyOf,
      source,
    )
    expect(out).toHaveLength(1)
    expect(out[0]).toMatchObject({ op: 'upsert', row: { id: 1, v: 'b' }, before: { id: 1, v: 'a' } })
  })

  it('maps inserts and snapshot rows to upserts and deletes to deletes of the old row', () => {
    expect(changesFromRow('insert', { after: { id: 3 } }, keyOf, { ...source, kind: 'insert' })[0]?.op).toBe(
      'upsert',
    )
    expect(
      changesFromRow('snapshot', { after: { id: 3 } }, keyOf, { ...source, kind: 'snapshot' })[0]?.op,
    ).toBe('upsert')
    const del = changesFromRow('delete', { before: { id: 4, v: 'x' } }, keyOf, { ...source, kind: 'delete' })
    expect(del).toEqual([
      { op: 'delete', row: { id: 4, v: 'x' }, key: { id: 4 }, source: { ...source, kind: 'delete' } },
    ])
  })
})
