import { describe, expect, it } from 'vitest'
import { classifyError, undecodableEventError } from '../../src/reader/classify.ts'

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
  it('refuses PARTIAL_JSON updates naming the setting, the position and the remedy', () => {
    // zongji 0.9.0's own warning text, emitted once per instance before it drops the rows
    const zongjiWarning = new Error(
      'Server sent a PARTIAL_UPDATE_ROWS_EVENT (binlog_row_value_options=PARTIAL_JSON). zongji cannot ' +
        'decode partial JSON updates, so these UPDATE row events are NOT being emitted. Clear ' +
        'binlog_row_value_options on the server to receive these changes.',
    )
    const fromZongji = classifyError(zongjiWarning, at, 7)
    // what the reader throws when the event itself arrives
    const fromEvent = undecodableEventError('partialupdaterows', at)
    for (const e of [fromZongji, fromEvent]) {
      expect(e).toMatchObject({
        code: 'BINLOG_UNSUPPORTED',
        retriable: false,
        binlogFile: at.file,
        binlogPos: at.pos,
        gtid: at.gtid,
      })
      expect(e.message).toBe(
        'the server sent a PARTIAL_UPDATE_ROWS_EVENT (binlog_row_value_options=PARTIAL_JSON) after ' +
          'mysql-bin.000007:1234, GTID 0-1-9: a partial JSON update (only the changed paths of the ' +
          'document, no whole row) cannot be decoded, so the reader stops rather than drop those rows. ' +
          "SET GLOBAL binlog_row_value_options = '' (turns PARTIAL_JSON off) on the server and in its " +
          'configuration, then take a new snapshot of the captured tables and start the stream from the ' +
          'snapshot position',
      )
    }
    expect(fromZongji.cause).toBe(zongjiWarning)
    expect(undecodableEventError('transactionpayload', at).message).toMatch(
      /TRANSACTION_PAYLOAD_EVENT \(binlog_transaction_compression=ON\).*SET GLOBAL binlog_transaction_compression = OFF/,
    )
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
