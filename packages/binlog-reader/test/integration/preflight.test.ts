// preflight against the stack: ROW/FULL/FULL with GTIDs is healthy; a serverId equal to the
// server's own is flagged; an account without replication rights is flagged.
import { connectMysql, registerCleanup, uniqueName } from '@sync/test-kit'
import { expect, it } from 'vitest'
import { preflight } from '../../src/index.ts'
import { replConnection, uniqueServerId } from './helpers.ts'

it('passes the stack configuration and flags server_id and privilege problems with remedies', async () => {
  const good = await preflight(replConnection(), { serverId: uniqueServerId() })
  const byCheck = new Map(good.map((f) => [f.check, f]))
  for (const check of [
    'log_bin',
    'binlog_format',
    'binlog_row_image',
    'binlog_row_metadata',
    'privilege_replication',
    'privilege_binlog_monitor',
    'binlog_transaction_compression',
  ]) {
    expect(byCheck.get(check), check).toMatchObject({ ok: true })
  }
  expect(byCheck.get('binlog_retention')?.message).toMatch(/binlogs/)

  const admin = await connectMysql()
  registerCleanup(() => admin.end())
  const [[server]] = (await admin.query('SELECT @@server_id AS id')) as unknown as [[{ id: number }]]
  const clash = await preflight(replConnection(), { serverId: Number(server?.id) })
  expect(clash.find((f) => f.check === 'server_id')).toMatchObject({ ok: false, severity: 'error' })

  const user = uniqueName('pf')
  await admin.query(`CREATE USER '${user}'@'%' IDENTIFIED BY 'pf-secret-1'`)
  registerCleanup(async () => {
    await admin.query(`DROP USER IF EXISTS '${user}'@'%'`)
  })
  const weak = await preflight({ ...replConnection(), user, password: 'pf-secret-1' })
  const repl = weak.find((f) => f.check === 'privilege_replication')
  expect(repl).toMatchObject({ ok: false, severity: 'error' })
  expect(repl?.remedy).toMatch(/GRANT REPLICATION SLAVE/)
  expect(JSON.stringify(weak)).not.toContain('pf-secret-1')
})
