import { describe, expect, it } from 'vitest'
import { batchLabel, sanitizeLabelPart, splitLabel, tableLabel } from '../src/label.ts'

// StarRocks FeNameFormat LABEL_REGEX (shared reference, streamload-protocol §5.1)
const starrocksLabel = /^[-\w]{1,128}$/

describe('batch labels', () => {
  it('are the same for the same topic, partition and offsets, and differ otherwise', () => {
    const p = { prefix: 'sink', topic: 'orders', partition: 3, firstOffset: '100', lastOffset: '199' }
    expect(batchLabel(p)).toBe(batchLabel({ ...p }))
    expect(batchLabel(p)).not.toBe(batchLabel({ ...p, lastOffset: '200' }))
    expect(batchLabel(p)).not.toBe(batchLabel({ ...p, partition: 4 }))
    expect(batchLabel(p)).toContain('orders-3-100-199')
  })

  it('keep topics apart that sanitise to the same text', () => {
    const a = batchLabel({ prefix: 's', topic: 'db.orders', partition: 0, firstOffset: '0', lastOffset: '9' })
    const b = batchLabel({ prefix: 's', topic: 'db_orders', partition: 0, firstOffset: '0', lastOffset: '9' })
    expect(a).not.toBe(b)
    expect(a).toMatch(starrocksLabel)
    expect(sanitizeLabelPart('订单')).toMatch(/^[-\w]+$/)
  })

  it('fit StarRocks labels even for long names after table and bisection suffixes', () => {
    const topic = `sync.${'very_long_topic_name.'.repeat(10)}`
    const base = batchLabel({
      prefix: 'p'.repeat(32),
      topic,
      partition: 99,
      firstOffset: '9223372036854775000',
      lastOffset: '9223372036854775806',
    })
    let label = tableLabel(base, 'some.table', 2)
    for (let i = 0; i < 19; i++) label = splitLabel(label, 1)
    expect(label).toMatch(starrocksLabel)
    const other = batchLabel({
      prefix: 'p'.repeat(32),
      topic,
      partition: 99,
      firstOffset: '9223372036854775000',
      lastOffset: '9223372036854775807',
    })
    expect(other).not.toBe(base)
  })

  it('use the batch label for a single table and distinct labels per table otherwise', () => {
    expect(tableLabel('L', 'orders', 1)).toBe('L')
    expect(tableLabel('L', 'orders', 2)).not.toBe(tableLabel('L', 'items', 2))
  })
})
