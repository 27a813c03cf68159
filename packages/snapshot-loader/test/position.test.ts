// The MySQL paths of the chunk position, against a scripted statement runner that answers
// the way a MySQL server does (rows for SHOW MASTER STATUS, errors with the server's
// errno). No MySQL server is installed here; MariaDB, which runs the integration tests,
// takes the mariadb-status path.
import { describe, expect, it } from 'vitest'
import { isSnapshotError } from '../src/index.ts'
import { beginConsistentRead, lockWaitTimeoutSeconds, preparePositionMode } from '../src/position.ts'

type Answer = unknown[] | Error
function serverError(errno: number, message: string, fatal = false): Error {
  return Object.assign(new Error(message), { errno, sqlMessage: message, fatal })
}

/** Runs statements in order, answering from `answers` (by statement text); logs each one. */
function scriptedServer(answers: Record<string, Answer>) {
  const log: string[] = []
  return {
    log,
    conn: {
      async query(sql: string, params?: unknown[]): Promise<[unknown, unknown]> {
        log.push(params === undefined ? sql : `${sql} ${JSON.stringify(params)}`)
        const a = answers[sql]
        if (a instanceof Error) throw a
        return [a ?? [], []]
      },
    },
  }
}

const snapshot = 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY'
const masterStatus = [
  {
    File: 'mysql-bin.000042',
    Position: 19_834_211,
    Binlog_Do_DB: '',
    Binlog_Ignore_DB: '',
    // as MySQL prints it: a newline after every comma
    Executed_Gtid_Set:
      '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5178,\n4f6a1cb2-0ee4-11ef-8a35-0242ac120002:1-77',
  },
]
const gtidSet = '3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5178,4f6a1cb2-0ee4-11ef-8a35-0242ac120002:1-77'
const errorOf = (p: Promise<unknown>) =>
  p.then(
    () => expect.unreachable('resolved'),
    (e: unknown) => e,
  )

describe('mysql-lock: FLUSH TABLES WITH READ LOCK around the snapshot', () => {
  it('locks, opens the snapshot, reads the status, unlocks, and returns file, pos and the GTID set', async () => {
    const s = scriptedServer({ 'SHOW MASTER STATUS': masterStatus })
    const position = await beginConsistentRead(s.conn, 'mysql-lock')
    expect(s.log).toEqual(['FLUSH TABLES WITH READ LOCK', snapshot, 'SHOW MASTER STATUS', 'UNLOCK TABLES'])
    expect(position).toEqual({ file: 'mysql-bin.000042', pos: 19_834_211, gtid: gtidSet })
  })

  it('without GTIDs (empty Executed_Gtid_Set) returns file and pos only', async () => {
    const s = scriptedServer({
      'SHOW MASTER STATUS': [{ File: 'binlog.000003', Position: '4711', Executed_Gtid_Set: '' }],
    })
    expect(await beginConsistentRead(s.conn, 'mysql-lock')).toEqual({ file: 'binlog.000003', pos: 4711 })
  })

  it('on MySQL 8.4, where SHOW MASTER STATUS is a syntax error, reads SHOW BINARY LOG STATUS', async () => {
    const s = scriptedServer({
      'SHOW MASTER STATUS': serverError(1064, 'You have an error in your SQL syntax'),
      'SHOW BINARY LOG STATUS': masterStatus,
    })
    const position = await beginConsistentRead(s.conn, 'mysql-lock')
    expect(s.log).toEqual([
      'FLUSH TABLES WITH READ LOCK',
      snapshot,
      'SHOW MASTER STATUS',
      'SHOW BINARY LOG STATUS',
      'UNLOCK TABLES',
    ])
    expect(position.pos).toBe(19_834_211)
  })

  it('unlocks when the status read fails, and the failure (not the unlock) reaches the caller', async () => {
    const lost = serverError(2013, 'Lost connection to MySQL server during query', true)
    const s = scriptedServer({
      'SHOW MASTER STATUS': lost,
      'UNLOCK TABLES': serverError(2006, 'MySQL server has gone away', true),
    })
    expect(await errorOf(beginConsistentRead(s.conn, 'mysql-lock'))).toBe(lost)
    expect(s.log).toEqual(['FLUSH TABLES WITH READ LOCK', snapshot, 'SHOW MASTER STATUS', 'UNLOCK TABLES'])
  })

  it('unlocks when the snapshot cannot be opened', async () => {
    const s = scriptedServer({
      [snapshot]: serverError(1792, 'Cannot execute statement in a READ ONLY transaction'),
    })
    const err = await errorOf(beginConsistentRead(s.conn, 'mysql-lock'))
    expect((err as { errno?: number }).errno).toBe(1792)
    expect(s.log).toEqual(['FLUSH TABLES WITH READ LOCK', snapshot, 'UNLOCK TABLES'])
  })

  it('binary log off: SNAP_POSITION, not retriable, and the lock is released', async () => {
    const s = scriptedServer({ 'SHOW MASTER STATUS': [] })
    const err = await errorOf(beginConsistentRead(s.conn, 'mysql-lock'))
    expect(isSnapshotError(err) && [err.code, err.retriable, err.message]).toEqual([
      'SNAP_POSITION',
      false,
      'SHOW MASTER STATUS returned nothing: is the binary log on (log_bin)?',
    ])
    expect(s.log.at(-1)).toBe('UNLOCK TABLES')
  })

  it('a status refused for want of REPLICATION CLIENT says so, and the lock is released', async () => {
    const s = scriptedServer({
      'SHOW MASTER STATUS': serverError(
        1227,
        'Access denied; you need (at least one of) the SUPER, REPLICATION CLIENT privilege(s)',
      ),
    })
    const err = await errorOf(beginConsistentRead(s.conn, 'mysql-lock'))
    expect(isSnapshotError(err) && [err.code, err.errno, err.retriable]).toEqual([
      'SNAP_POSITION',
      1227,
      false,
    ])
    expect((err as Error).message).toBe(
      'SHOW MASTER STATUS was refused: the account needs REPLICATION CLIENT',
    )
    expect(s.log).toEqual(['FLUSH TABLES WITH READ LOCK', snapshot, 'SHOW MASTER STATUS', 'UNLOCK TABLES'])
  })

  it('a refused global lock (managed MySQL) names the fallback; nothing else is run', async () => {
    const s = scriptedServer({
      'FLUSH TABLES WITH READ LOCK': serverError(
        1045,
        "Access denied for user 'sync'@'%' (using password: YES)",
      ),
    })
    const err = await errorOf(beginConsistentRead(s.conn, 'mysql-lock'))
    expect(isSnapshotError(err) && [err.code, err.errno, err.retriable]).toEqual([
      'SNAP_POSITION',
      1045,
      false,
    ])
    expect((err as Error).message).toContain("use positionMode 'mysql-table-lock'")
    expect(s.log).toEqual(['FLUSH TABLES WITH READ LOCK'])
  })

  it('a global lock that timed out behind a long statement is retriable', async () => {
    const s = scriptedServer({
      'FLUSH TABLES WITH READ LOCK': serverError(
        1205,
        'Lock wait timeout exceeded; try restarting transaction',
      ),
    })
    const err = await errorOf(beginConsistentRead(s.conn, 'mysql-lock'))
    expect(isSnapshotError(err) && [err.code, err.retriable]).toEqual(['SNAP_POSITION', true])
    expect(s.log).toEqual(['FLUSH TABLES WITH READ LOCK'])
  })
})

describe('mysql-table-lock: LOCK TABLES … READ of the chunk table while S is read', () => {
  it('locks the table, reads the status, unlocks, then opens the snapshot', async () => {
    const s = scriptedServer({ 'SHOW MASTER STATUS': masterStatus })
    const position = await beginConsistentRead(s.conn, 'mysql-table-lock', {
      database: 'shop',
      table: 'order`s_2024',
    })
    expect(s.log).toEqual([
      'LOCK TABLES `shop`.`order``s_2024` READ',
      'SHOW MASTER STATUS',
      'UNLOCK TABLES',
      snapshot,
    ])
    expect(position).toEqual({ file: 'mysql-bin.000042', pos: 19_834_211, gtid: gtidSet })
  })

  it('unlocks when the status read fails and opens no snapshot', async () => {
    const s = scriptedServer({ 'SHOW MASTER STATUS': serverError(2013, 'Lost connection', true) })
    const err = await errorOf(beginConsistentRead(s.conn, 'mysql-table-lock', { database: 'd', table: 't' }))
    expect((err as { errno?: number }).errno).toBe(2013)
    expect(s.log).toEqual(['LOCK TABLES `d`.`t` READ', 'SHOW MASTER STATUS', 'UNLOCK TABLES'])
  })

  it('a refused table lock is SNAP_POSITION naming the privilege', async () => {
    const s = scriptedServer({
      'LOCK TABLES `d`.`t` READ': serverError(1044, "Access denied for user 'sync'@'%' to database 'd'"),
    })
    const err = await errorOf(beginConsistentRead(s.conn, 'mysql-table-lock', { database: 'd', table: 't' }))
    expect(isSnapshotError(err) && [err.code, err.errno, err.retriable]).toEqual([
      'SNAP_POSITION',
      1044,
      false,
    ])
    expect((err as Error).message).toContain('the account needs LOCK TABLES on the table')
    expect(s.log).toEqual(['LOCK TABLES `d`.`t` READ'])
  })

  it('the start position of a snapshot (no table) is read without a lock', async () => {
    const s = scriptedServer({ 'SHOW MASTER STATUS': masterStatus })
    expect((await beginConsistentRead(s.conn, 'mysql-table-lock')).file).toBe('mysql-bin.000042')
    expect(s.log).toEqual(['SHOW MASTER STATUS', snapshot])
  })
})

describe('preparePositionMode', () => {
  const logged: Array<{ message: string; fields?: Record<string, unknown> }> = []
  const logger = {
    debug() {},
    info() {},
    error() {},
    warn(message: string, fields?: Record<string, unknown>) {
      logged.push(fields === undefined ? { message } : { message, fields })
    },
  }

  it('auto on MariaDB: the status variables, and the session is left alone', async () => {
    const s = scriptedServer({})
    expect(await preparePositionMode(s.conn, 'auto', '10.11.6-MariaDB-0+deb12u1-log', logger)).toBe(
      'mariadb-status',
    )
    expect(s.log).toEqual([])
  })

  it('auto on MySQL with RELOAD: a bounded lock wait, one probe of the global lock, mysql-lock', async () => {
    const s = scriptedServer({})
    expect(await preparePositionMode(s.conn, 'auto', '8.0.36', logger)).toBe('mysql-lock')
    expect(s.log).toEqual([
      `SET SESSION lock_wait_timeout = ${lockWaitTimeoutSeconds}`,
      'FLUSH TABLES WITH READ LOCK',
      'UNLOCK TABLES',
    ])
  })

  it('auto on managed MySQL that refuses the global lock: table locks, with a warning', async () => {
    logged.length = 0
    const s = scriptedServer({
      'FLUSH TABLES WITH READ LOCK': serverError(
        1227,
        'Access denied; you need (at least one of) the RELOAD privilege(s)',
      ),
    })
    expect(await preparePositionMode(s.conn, 'auto', '8.0.35', logger)).toBe('mysql-table-lock')
    expect(s.log).toEqual([
      `SET SESSION lock_wait_timeout = ${lockWaitTimeoutSeconds}`,
      'FLUSH TABLES WITH READ LOCK',
    ])
    expect(logged.map((l) => l.fields)).toEqual([{ errno: 1227, positionMode: 'mysql-table-lock' }])
  })

  it('auto on MySQL: a probe that fails for another reason is not taken for a refusal', async () => {
    const lost = serverError(2013, 'Lost connection', true)
    const s = scriptedServer({ 'FLUSH TABLES WITH READ LOCK': lost })
    expect(await errorOf(preparePositionMode(s.conn, 'auto', '8.0.35', logger))).toBe(lost)
  })

  it('an explicit MySQL mode bounds the lock wait and probes nothing', async () => {
    const s = scriptedServer({})
    expect(await preparePositionMode(s.conn, 'mysql-table-lock', '8.0.35', logger)).toBe('mysql-table-lock')
    expect(s.log).toEqual([`SET SESSION lock_wait_timeout = ${lockWaitTimeoutSeconds}`])
  })
})
