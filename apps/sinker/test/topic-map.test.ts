import { describe, expect, it } from 'vitest'
import { parseTopicTableMap } from '../src/topic-map.ts'

describe('the seed connector topic2table map', () => {
  it('reads "topic:table,topic:table" as the seed documents it', () => {
    const errors: string[] = []
    expect(parseTopicTableMap('ods.orders:orders, ods.items:order_items,', 'm', errors)).toEqual({
      'ods.orders': 'orders',
      'ods.items': 'order_items',
    })
    expect(errors).toEqual([])
  })

  it('names bad entries and conflicting duplicates', () => {
    const errors: string[] = []
    parseTopicTableMap('a:b,justtopic,a:c', 'topic2tableMap', errors)
    expect(errors).toEqual([
      'topic2tableMap entries must be "topic:table", received "justtopic"',
      'topic2tableMap maps topic "a" twice (b and c)',
    ])
  })
})
