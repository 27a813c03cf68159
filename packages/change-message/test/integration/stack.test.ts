// Wiring: the workspace packages this one uses resolve from source, and the stack answers.

import * as cryptoEnvelope from '@sync/crypto-envelope'
import { probeStack } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'

describe('change-message wiring', () => {
  it('resolves its workspace dependencies', () => {
    expect(Object.keys(cryptoEnvelope).length).toBeGreaterThan(0)
  })

  it('reaches MariaDB with binlog on and the Kafka brokers', async () => {
    const stack = await probeStack()
    expect(stack.binlogFormat).toBe('ROW')
    expect(stack.brokers).toBeGreaterThan(0)
  })
})
