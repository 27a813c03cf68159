import { describe, expect, it } from 'vitest'
import { checkLoadRequest } from '../src/headers.ts'

const load = (label: string) => ({ table: 't', rows: [{ a: 1 }], label })

describe('load labels', () => {
  it('accepts the characters StarRocks accepts (^[-\\w]{1,128}$)', () => {
    expect(() => checkLoadRequest(load('sync-orders-3-100-199_0'))).not.toThrow()
    expect(() => checkLoadRequest(load('x'.repeat(128)))).not.toThrow()
  })

  it("refuses ':' , '.', spaces and labels over 128 characters for StarRocks, naming the label", () => {
    for (const bad of ['a:b', 'ods.order-1', 'a b', 'x'.repeat(129), ''])
      expect(() => checkLoadRequest(load(bad)), bad).toThrow(
        `load.label must match ^[-\\w]{1,128}$ (starrocks), received ${JSON.stringify(bad)}`,
      )
  })

  it("accepts ':' for Doris, whose FE allows it, and still refuses '.'", () => {
    expect(() => checkLoadRequest(load('job:1-2'), 'doris')).not.toThrow()
    expect(() => checkLoadRequest(load('a.b'), 'doris')).toThrow('(doris)')
  })
})
