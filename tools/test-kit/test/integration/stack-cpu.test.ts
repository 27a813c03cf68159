import { describe, expect, it } from 'vitest'
import { connectMysql, stackCpu, stackCpuSince } from '../../src/index.ts'

describe('stackCpu', () => {
  it('reads the CPU time of the local MariaDB and counts work done there', async () => {
    const before = stackCpu()
    expect(before, 'the local stack runs both processes').toBeDefined()
    expect(before!.mysqlMs).toBeGreaterThan(0)
    expect(before!.kafkaMs).toBeGreaterThan(0)
    const db = await connectMysql()
    try {
      // a few hundred milliseconds of server CPU: a query MariaDB computes by itself
      await db.query('SELECT BENCHMARK(5000000, MD5("stack cpu"))')
    } finally {
      await db.end()
    }
    const used = stackCpuSince(before)
    expect(used).toBeDefined()
    expect(used!.mysqlMs).toBeGreaterThanOrEqual(50)
    expect(used!.kafkaMs).toBeGreaterThanOrEqual(0)
  })
})
