import { describe, expect, it } from 'vitest'
import { parsePrometheusText } from '../src/prom-text.ts'

describe('parsePrometheusText', () => {
  it('reads names, escaped labels and special values, skipping comments', () => {
    const text = [
      '# HELP sync_shipper_seconds_behind_source Seconds between now and the newest event',
      '# TYPE sync_shipper_seconds_behind_source gauge',
      'sync_shipper_seconds_behind_source{source="db-1",note="a \\"q\\" \\\\ b"} 4.5',
      'up 1 1700000000000',
      'x_max +Inf',
      '',
    ].join('\n')
    expect(parsePrometheusText(text)).toEqual([
      {
        name: 'sync_shipper_seconds_behind_source',
        labels: { source: 'db-1', note: 'a "q" \\ b' },
        value: 4.5,
      },
      { name: 'up', labels: {}, value: 1 },
      { name: 'x_max', labels: {}, value: Number.POSITIVE_INFINITY },
    ])
  })
})
