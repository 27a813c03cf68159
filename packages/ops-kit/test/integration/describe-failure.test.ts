// describeFailure on what the stack's MariaDB answers: a wrong password and a missing table.
import { createTestDatabase, mysqlOptions } from '@sync/test-kit'
import mysql from 'mysql2/promise'
import { describe, expect, it } from 'vitest'
import { describeFailure } from '../../src/describe-failure.ts'

describe('describeFailure against MariaDB', () => {
  it('reports a wrong password as an authentication failure naming the server', async () => {
    const o = mysqlOptions('admin')
    const err = await mysql
      .createConnection({ host: o.host, port: o.port, user: o.user, password: 'not-the-password' })
      .then(
        (c) => c.end().then(() => undefined),
        (e: unknown) => e,
      )
    const d = describeFailure(err, `MySQL at ${o.host}:${o.port}`)
    expect(d.kind).toBe('auth')
    expect(d.retriable).toBe(false)
    expect(d.message).toMatch(
      new RegExp(
        `^access denied by MySQL at ${o.host}:${o.port}: wrong user or password \\(Access denied for user '${o.user}'@`,
      ),
    )
    expect(d.message).not.toContain('not-the-password')
  })

  it("passes the server's message and code through for other SQL errors", async () => {
    const db = await createTestDatabase('dfail')
    const err = await db.query('SELECT 1 FROM missing_table').then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(describeFailure(err, 'MySQL at stack')).toEqual({
      kind: 'remote',
      message: `MySQL at stack: Table '${db.name}.missing_table' doesn't exist (ER_NO_SUCH_TABLE)`,
      retriable: true,
    })
  })
})
