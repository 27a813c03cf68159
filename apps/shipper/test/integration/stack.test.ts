// Wiring: the workspace packages this one uses resolve from source, and the stack answers.

import * as binlogReader from '@sync/binlog-reader'
import * as changeMessage from '@sync/change-message'
import * as cryptoEnvelope from '@sync/crypto-envelope'
import * as tableMatcher from '@sync/table-matcher'
import { probeStack } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'

describe('shipper wiring', () => {
  it('resolves its workspace dependencies', () => {
    expect(Object.keys(binlogReader).length).toBeGreaterThan(0)
    expect(Object.keys(tableMatcher).length).toBeGreaterThan(0)
    expect(Object.keys(cryptoEnvelope).length).toBeGreaterThan(0)
    expect(Object.keys(changeMessage).length).toBeGreaterThan(0)
  })

  it('reaches MariaDB with binlog on and the Kafka brokers', async () => {
    const stack = await probeStack()
    expect(stack.binlogFormat).toBe('ROW')
    expect(stack.brokers).toBeGreaterThan(0)
  })
})
