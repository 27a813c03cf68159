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
  if (/TRANSACTION_PAYLOAD_EVENT|PARTIAL_UPDATE_ROWS_EVENT/.test(message)) {
    return new BinlogError(
      'BINLOG_UNSUPPORTED',
      `${message} This reader refuses to continue rather than drop those rows.`,
      at,
    )
  }
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
