// Wiring: the workspace packages this one uses resolve from source, and the stack answers.

import { probeStack } from '@sync/test-kit'
import * as warehouseDdl from '@sync/warehouse-ddl'
import { describe, expect, it } from 'vitest'

describe('ops-kit wiring', () => {
  it('resolves its workspace dependencies', () => {
    expect(Object.keys(warehouseDdl).length).toBeGreaterThan(0)
  })

  it('reaches MariaDB with binlog on and the Kafka brokers', async () => {
    const stack = await probeStack()
    expect(stack.binlogFormat).toBe('ROW')
    expect(stack.brokers).toBeGreaterThan(0)
  })
})
