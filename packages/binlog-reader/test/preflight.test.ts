// preflight's findings for variable values the stack does not have (its server is
// configured right): a scripted connection answers each query.
import { describe, expect, it } from 'vitest'
import { type PreflightFinding, preflightOn } from '../src/preflight.ts'

const healthy: Record<string, string> = {
  version: '10.11.19-MariaDB-log',
  log_bin: 'ON',
  binlog_format: 'ROW',
  binlog_row_image: 'FULL',
  binlog_row_metadata: 'FULL',
  server_id: '1',
  binlog_expire_logs_seconds: '864000',
  expire_logs_days: '10',
  binlog_checksum: 'CRC32',
}

function server(vars: Record<string, string>) {
  return {
    async query(sql: string): Promise<[unknown, unknown]> {
      if (sql.startsWith('SHOW GLOBAL VARIABLES')) {
        return [Object.entries(vars).map(([Variable_name, Value]) => ({ Variable_name, Value })), []]
      }
      if (sql === 'SHOW GRANTS') {
        return [
          [{ 'Grants for repl@%': 'GRANT SELECT, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `repl`@`%`' }],
          [],
        ]
      }
      if (sql.includes('PROCESSLIST')) return [[{ n: 2 }], []]
      if (sql === 'SHOW SLAVE HOSTS') return [[], []]
      throw new Error(`unexpected query: ${sql}`)
    },
  }
}

async function findings(vars: Record<string, string>, minRetentionSeconds?: number) {
  const list = await preflightOn(server(vars), {
    serverId: 4242,
    ...(minRetentionSeconds !== undefined ? { minRetentionSeconds } : {}),
  })
  return new Map(list.map((f) => [f.check, f]))
}

describe('preflight findings', () => {
  it('is all ok for a healthy server', async () => {
    const byCheck = await findings(healthy)
    const bad = [...byCheck.values()].filter((f: PreflightFinding) => !f.ok)
    expect(bad).toEqual([])
    expect(byCheck.get('binlog_retention')?.message).toBe(
      'binlogs are kept 240.0 h; a reader further behind than that must re-snapshot',
    )
  })

  for (const value of ['MINIMAL', 'NO_LOG']) {
    it(`warns, with the remedy, when binlog_row_metadata is ${value}`, async () => {
      const f = (await findings({ ...healthy, binlog_row_metadata: value })).get('binlog_row_metadata')
      expect(f).toMatchObject({ ok: false, severity: 'warning' })
      expect(f?.message).toMatch(new RegExp(`^binlog_row_metadata is ${value}, needs FULL: .*refuses tables`))
      expect(f?.remedy).toBe(
        "SET GLOBAL binlog_row_metadata = 'FULL' and persist it in the server configuration (on RDS: the parameter group)",
      )
    })
  }

  it('warns about retention below the minimum (3 h, the Alibaba RDS local default) and names RDS on MySQL', async () => {
    const mysql = await findings({
      ...healthy,
      version: '8.0.36',
      binlog_expire_logs_seconds: '10800',
      gtid_mode: 'ON',
    })
    const f = mysql.get('binlog_retention')
    expect(f).toMatchObject({ ok: false, severity: 'warning' })
    expect(f?.message).toBe('binlogs are kept 3.0 h; a reader further behind than that must re-snapshot')
    expect(f?.remedy).toMatch(
      /binlog_expire_logs_seconds \(on Alibaba RDS also the local binlog retention, default 3 h\)/,
    )
  })

  it('reads expire_logs_days when binlog_expire_logs_seconds is 0, and honours minRetentionSeconds', async () => {
    const days = { ...healthy, binlog_expire_logs_seconds: '0', expire_logs_days: '1' }
    const week = (await findings(days)).get('binlog_retention')
    expect(week).toMatchObject({ ok: false, severity: 'warning' })
    expect(week?.message).toContain('kept 24.0 h')
    expect((await findings(days, 3600)).get('binlog_retention')).toMatchObject({ ok: true, severity: 'info' })
    const forever = { ...healthy, binlog_expire_logs_seconds: '0', expire_logs_days: '0' }
    expect((await findings(forever)).get('binlog_retention')).toMatchObject({
      ok: true,
      message: 'binlogs never expire on the server (watch its disk)',
    })
  })
})
