// Wiring: the workspace packages this one uses resolve from source, and the stack answers.

import * as changeMessage from '@sync/change-message'
import * as cryptoEnvelope from '@sync/crypto-envelope'
import * as streamloadClient from '@sync/streamload-client'
import { probeStack } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'

describe('sinker wiring', () => {
  it('resolves its workspace dependencies', () => {
    expect(Object.keys(cryptoEnvelope).length).toBeGreaterThan(0)
    expect(Object.keys(streamloadClient).length).toBeGreaterThan(0)
    expect(Object.keys(changeMessage).length).toBeGreaterThan(0)
  })

  it('reaches MariaDB with binlog on and the Kafka brokers', async () => {
    const stack = await probeStack()
    expect(stack.binlogFormat).toBe('ROW')
    expect(stack.brokers).toBeGreaterThan(0)
  })
})
