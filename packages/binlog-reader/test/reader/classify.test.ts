import { describe, expect, it } from 'vitest'
import { classifyError } from '../../src/reader/classify.ts'

const at = { file: 'mysql-bin.000007', pos: 1234, gtid: '0-1-9' }

describe('classifyError', () => {
  it('matches MariaDB 4052 on errno, whatever mysql2 calls it', () => {
    const e = classifyError(
      {
        errno: 4052,
        code: 'ER_INVALID_MFA_PLUGIN_SPECIFIED',
        message: 'slave with the same server_uuid/server_id',
      },
      at,
      77,
    )
    expect(e).toMatchObject({ code: 'BINLOG_SERVER_ID_CONFLICT', retriable: false, serverId: 77 })
  })
  it('turns 1236 into BINLOG_PURGED naming the position and the remedy', () => {
    const e = classifyError(
      { errno: 1236, message: 'Could not find first log file name in binary log index file' },
      at,
      77,
    )
    expect(e).toMatchObject({
      code: 'BINLOG_PURGED',
      retriable: false,
      binlogFile: at.file,
      binlogPos: at.pos,
    })
    expect(e.message).toContain('mysql-bin.000007:1234, GTID 0-1-9')
    expect(e.message).toMatch(/new snapshot/)
  })
  it('refuses compressed transactions and PARTIAL_JSON', () => {
    const e = classifyError(
      new Error('Server sent a TRANSACTION_PAYLOAD_EVENT (binlog_transaction_compression=ON).'),
      at,
      7,
    )
    expect(e).toMatchObject({ code: 'BINLOG_UNSUPPORTED', retriable: false })
  })
  it('retries lost connections and decoding errors', () => {
    expect(classifyError({ code: 'PROTOCOL_CONNECTION_LOST', message: 'lost' }, at, 7)).toMatchObject({
      code: 'BINLOG_CONNECTION',
      retriable: true,
    })
    expect(classifyError(new TypeError('Cannot read properties of undefined'), at, 7)).toMatchObject({
      code: 'BINLOG_PARSE',
      retriable: true,
    })
  })
})
