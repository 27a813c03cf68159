// Wiring: the workspace packages this one uses resolve from source, and the stack answers.

import * as binlogReader from '@sync/binlog-reader'
import { connectMysql, createTestKafka } from '@sync/test-kit'
import { describe, expect, it } from 'vitest'

describe('delivery wiring', () => {
  it('resolves its workspace dependencies', () => {
    expect(Object.keys(binlogReader).length).toBeGreaterThan(0)
  })

  it('reaches MariaDB with binlog on and the Kafka brokers', async () => {
    const conn = await connectMysql()
    try {
      const [rows] = await conn.query('SELECT @@binlog_format AS format')
      expect((rows as Array<{ format: string }>)[0]?.format).toBe('ROW')
    } finally {
      await conn.end()
    }
    const admin = createTestKafka().admin()
    await admin.connect()
    try {
      const meta = await admin.describeCluster()
      expect(meta.brokers.length).toBeGreaterThan(0)
    } finally {
      await admin.disconnect()
    }
  })
})
