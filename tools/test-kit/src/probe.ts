// What a package's wiring test asks of the stack: MariaDB answers with the binlog format a
// source needs, and the Kafka cluster names its brokers.

import { createTestKafka } from './kafka.ts'
import { connectMysql } from './mysql.ts'

export interface StackProbe {
  /** `@@binlog_format` of the MariaDB the tests use ('ROW' on the local stack). */
  binlogFormat: string
  /** How many brokers the Kafka cluster's metadata names. */
  brokers: number
}

export async function probeStack(): Promise<StackProbe> {
  const conn = await connectMysql()
  let binlogFormat: string
  try {
    const [rows] = await conn.query('SELECT @@binlog_format AS format')
    binlogFormat = String((rows as Array<{ format: unknown }>)[0]?.format)
  } finally {
    await conn.end()
  }
  const admin = createTestKafka().admin()
  await admin.connect()
  try {
    const meta = await admin.describeCluster()
    return { binlogFormat, brokers: meta.brokers.length }
  } finally {
    await admin.disconnect()
  }
}
