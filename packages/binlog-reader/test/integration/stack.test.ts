// Wiring: the workspace packages this one uses resolve from source, and the stack answers.
import { probeStack } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'
import * as self from '../../src/index.ts'

describe('binlog-reader wiring', () => {
  it('loads its own entry point from source', () => {
    expect(Object.keys(self).length).toBeGreaterThan(0)
  })

  it('reaches MariaDB with binlog on and the Kafka brokers', async () => {
    const stack = await probeStack()
    expect(stack.binlogFormat).toBe('ROW')
    expect(stack.brokers).toBeGreaterThan(0)
  })
})
