// zongji/mysql2 errors → BinlogError. Matched on errno and message, never on mysql2's
// `code`: MariaDB's 4052 ("same server_id") arrives labelled ER_INVALID_MFA_PLUGIN_SPECIFIED.

import { BinlogError } from '../errors.ts'
import type { BinlogPosition } from './events.ts'

interface ServerErrorLike {
  errno?: number
  code?: string
  message?: string
  fatal?: boolean
}

const connectionCodes = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ERR_STREAM_WRITE_AFTER_END',
])
// 1053 shutdown in progress, 1152/1153/1158-1161 network, 1927 connection killed, 2013 lost
const connectionErrnos = new Set([1053, 1152, 1153, 1158, 1159, 1160, 1161, 1927, 2006, 2013])
// 1044/1045 access denied, 1227 missing privilege (REPLICATION SLAVE), 1142 command denied
const privilegeErrnos = new Set([1044, 1045, 1142, 1227])

export function describePosition(position: BinlogPosition): string {
  const gtid = position.gtid !== undefined ? `, GTID ${position.gtid || "''"}` : ''
  return `${position.file || '(start)'}:${position.pos}${gtid}`
}

export function classifyError(raw: unknown, position: BinlogPosition, serverId: number): BinlogError {
  if (raw instanceof BinlogError) return raw
  const err = (raw ?? {}) as ServerErrorLike
  const message = String(err.message ?? raw)
  const at = {
    cause: raw,
    binlogFile: position.file,
    binlogPos: position.pos,
    gtid: position.gtid,
    errno: err.errno,
    serverId,
  }
  if (err.errno === 4052 || (err.errno === 1236 && /same server.?(uuid|id)/i.test(message))) {
    return new BinlogError(
      'BINLOG_SERVER_ID_CONFLICT',
      `another replica or reader connected with server_id ${serverId} and the server dropped this one ` +
        `(errno ${err.errno}: ${message}); give every reader its own serverId`,
      at,
    )
  }
  if (err.errno === 1236) {
    return new BinlogError(
      'BINLOG_PURGED',
      `the binlog no longer holds position ${describePosition(position)} (errno 1236: ${message}); ` +
        'the changes since then are gone from the server: take a new snapshot of the captured tables ' +
        'and start the stream from the snapshot position',
      at,
    )
  }
  // zongji reports these once per instance (then drops their rows) before any filtering
  if (/TRANSACTION_PAYLOAD_EVENT/.test(message))
    return undecodableEventError('transactionpayload', position, raw)
  if (/PARTIAL_UPDATE_ROWS_EVENT/.test(message))
    return undecodableEventError('partialupdaterows', position, raw)
  if (err.errno !== undefined && privilegeErrnos.has(err.errno)) {
    return new BinlogError(
      'BINLOG_SERVER',
      `the server refused the reader (errno ${err.errno}: ${message})`,
      {
        ...at,
        retriable: false,
      },
    )
  }
  if (
    (err.code && connectionCodes.has(err.code)) ||
    (err.errno !== undefined && connectionErrnos.has(err.errno))
  ) {
    return new BinlogError('BINLOG_CONNECTION', `binlog connection lost: ${message}`, at)
  }
  if (err.errno !== undefined && err.errno > 0 && err.errno < 10000 && err.code !== undefined) {
    return new BinlogError('BINLOG_SERVER', `server error ${err.errno}: ${message}`, {
      ...at,
      retriable: true,
    })
  }
  return new BinlogError('BINLOG_PARSE', `binlog decoding failed: ${message}`, at)
}

const undecodable = {
  transactionpayload: {
    event: 'TRANSACTION_PAYLOAD_EVENT',
    setting: 'binlog_transaction_compression=ON',
    what: 'a compressed transaction',
    remedy: 'SET GLOBAL binlog_transaction_compression = OFF (MySQL 8.0.20+)',
  },
  partialupdaterows: {
    event: 'PARTIAL_UPDATE_ROWS_EVENT',
    setting: 'binlog_row_value_options=PARTIAL_JSON',
    what: 'a partial JSON update (only the changed paths of the document, no whole row)',
    remedy: "SET GLOBAL binlog_row_value_options = '' (turns PARTIAL_JSON off)",
  },
} as const

/**
 * BINLOG_UNSUPPORTED for events zongji cannot decode: it would warn once and drop their
 * rows. Names the setting, the position and the remedy; not retriable.
 */
export function undecodableEventError(
  eventName: keyof typeof undecodable,
  position: BinlogPosition,
  cause?: unknown,
): BinlogError {
  const u = undecodable[eventName]
  return new BinlogError(
    'BINLOG_UNSUPPORTED',
    `the server sent a ${u.event} (${u.setting}) after ${describePosition(position)}: ${u.what} cannot be ` +
      `decoded, so the reader stops rather than drop those rows. ${u.remedy} on the server and in its ` +
      'configuration, then take a new snapshot of the captured tables and start the stream from the snapshot position',
    {
      ...(cause !== undefined ? { cause } : {}),
      retriable: false,
      binlogFile: position.file,
      binlogPos: position.pos,
      gtid: position.gtid,
    },
  )
}
