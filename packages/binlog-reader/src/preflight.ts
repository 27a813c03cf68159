// Server checks before streaming: each finding says what is wrong and how to fix it.
// `ops-cli doctor` prints them; a reader does not need them to run.

import { optionError } from './errors.ts'
import { connectControl } from './reader/control.ts'
import type { QueryRunner } from './render/select.ts'
import type { ConnectionOptions } from './types.ts'

export type FindingSeverity = 'error' | 'warning' | 'info'

export interface PreflightFinding {
  check: string
  ok: boolean
  severity: FindingSeverity
  message: string
  remedy: string
}

export interface PreflightOptions {
  /** The serverId the reader will use: checked against the server's and its replicas'. */
  serverId?: number
  /** Retention below this many seconds is a warning (default 7 days). */
  minRetentionSeconds?: number
}

type Vars = Record<string, string | null>

async function variables(conn: QueryRunner): Promise<Vars> {
  const [rows] = await conn.query(
    `SHOW GLOBAL VARIABLES WHERE Variable_name IN ('log_bin','binlog_format','binlog_row_image','binlog_row_metadata',
      'server_id','binlog_expire_logs_seconds','expire_logs_days','binlog_transaction_compression',
      'binlog_row_value_options','binlog_checksum','gtid_mode','log_bin_compress','version')`,
  )
  const vars: Vars = {}
  for (const r of rows as Array<{ Variable_name: string; Value: string | null }>)
    vars[r.Variable_name.toLowerCase()] = r.Value
  return vars
}

function finding(
  check: string,
  ok: boolean,
  severity: FindingSeverity,
  message: string,
  remedy = '',
): PreflightFinding {
  return { check, ok, severity: ok ? 'info' : severity, message, remedy: ok ? '' : remedy }
}

function equals(
  check: string,
  vars: Vars,
  name: string,
  want: string,
  severity: FindingSeverity,
  why: string,
) {
  const value = vars[name]
  const ok = (value ?? '').toUpperCase() === want
  return finding(
    check,
    ok,
    severity,
    `${name} is ${value ?? '(not set)'}${ok ? '' : `, needs ${want}: ${why}`}`,
    `SET GLOBAL ${name} = '${want}' and persist it in the server configuration (on RDS: the parameter group)`,
  )
}

export async function preflight(
  connection: ConnectionOptions,
  options: PreflightOptions = {},
): Promise<PreflightFinding[]> {
  if (options.serverId !== undefined && (!Number.isInteger(options.serverId) || options.serverId < 1)) {
    throw optionError('options.serverId', 'a positive integer', options.serverId)
  }
  const conn = await connectControl(connection)
  try {
    return await preflightOn(conn, options)
  } finally {
    conn.destroy()
  }
}

/** The checks, on a connection the caller owns (tests pass a scripted one). */
export async function preflightOn(
  conn: QueryRunner,
  options: PreflightOptions = {},
): Promise<PreflightFinding[]> {
  const minRetention = options.minRetentionSeconds ?? 7 * 86_400
  const vars = await variables(conn)
  const isMariaDb = /mariadb/i.test(vars.version ?? '')
  const out: PreflightFinding[] = []
  out.push(equals('log_bin', vars, 'log_bin', 'ON', 'error', 'without a binlog there is nothing to stream'))
  out.push(
    equals(
      'binlog_format',
      vars,
      'binlog_format',
      'ROW',
      'error',
      'STATEMENT/MIXED changes carry no row values',
    ),
  )
  out.push(
    equals(
      'binlog_row_image',
      vars,
      'binlog_row_image',
      'FULL',
      'error',
      'MINIMAL/NOBLOB images omit columns, which would read as NULL',
    ),
  )
  out.push(
    equals(
      'binlog_row_metadata',
      vars,
      'binlog_row_metadata',
      'FULL',
      'warning',
      'without column names in the binlog the reader refuses tables (decoding from the current catalog mislabels values after DDL)',
    ),
  )
  out.push(...(await privileges(conn)))
  out.push(...(await serverIdUse(conn, vars, options.serverId)))
  out.push(retention(vars, isMariaDb, minRetention))
  const compression = (vars.binlog_transaction_compression ?? 'OFF').toUpperCase()
  out.push(
    finding(
      'binlog_transaction_compression',
      compression !== 'ON',
      'error',
      `binlog_transaction_compression is ${vars.binlog_transaction_compression ?? '(not supported by this server)'}` +
        (compression === 'ON' ? ': compressed transactions cannot be decoded; the reader stops on them' : ''),
      "SET GLOBAL binlog_transaction_compression = 'OFF'",
    ),
  )
  const partial = (vars.binlog_row_value_options ?? '').toUpperCase().includes('PARTIAL_JSON')
  out.push(
    finding(
      'binlog_row_value_options',
      !partial,
      'error',
      `binlog_row_value_options is '${vars.binlog_row_value_options ?? ''}'` +
        (partial ? ': PARTIAL_JSON updates cannot be decoded; the reader stops on them' : ''),
      "SET GLOBAL binlog_row_value_options = ''",
    ),
  )
  const checksum = (vars.binlog_checksum ?? 'NONE').toUpperCase()
  out.push(
    finding(
      'binlog_checksum',
      checksum === 'CRC32' || checksum === 'NONE',
      'error',
      `binlog_checksum is ${checksum}`,
      "SET GLOBAL binlog_checksum = 'CRC32'",
    ),
  )
  if (!isMariaDb) {
    const gtid = (vars.gtid_mode ?? 'OFF').toUpperCase()
    out.push(
      finding(
        'gtid_mode',
        gtid === 'ON',
        'warning',
        `gtid_mode is ${gtid}; without GTIDs checkpoints are file/pos only and do not survive a failover`,
        'enable GTIDs (gtid_mode=ON, enforce_gtid_consistency=ON)',
      ),
    )
  }
  return out
}

async function privileges(conn: QueryRunner): Promise<PreflightFinding[]> {
  const [rows] = await conn.query('SHOW GRANTS')
  const grants = (rows as Array<Record<string, string>>)
    .map((r) => Object.values(r)[0] ?? '')
    .join('\n')
    .toUpperCase()
  const all = /GRANT ALL PRIVILEGES ON \*\.\*/.test(grants)
  const has = (p: string) => all || new RegExp(`GRANT [^\\n]*\\b${p}\\b[^\\n]* ON \\*\\.\\*`).test(grants)
  const slave = has('REPLICATION SLAVE') || has('REPLICATION REPLICA')
  const monitor = has('BINLOG MONITOR') || has('REPLICATION CLIENT') || has('SUPER')
  const select = has('SELECT')
  return [
    finding(
      'privilege_replication',
      slave,
      'error',
      slave ? 'the user may read the binlog' : 'the user lacks REPLICATION SLAVE',
      'GRANT REPLICATION SLAVE ON *.* TO <user>',
    ),
    finding(
      'privilege_binlog_monitor',
      monitor,
      'error',
      monitor ? 'the user may list binlogs' : 'the user cannot run SHOW BINARY LOGS / SHOW MASTER STATUS',
      'GRANT BINLOG MONITOR ON *.* (MariaDB) or REPLICATION CLIENT ON *.* (MySQL) TO <user>',
    ),
    finding(
      'privilege_select',
      select,
      'warning',
      select
        ? 'the user may read the catalog and snapshot tables'
        : 'no global SELECT: JSON-column lookup and snapshots need SELECT on the captured tables',
      'GRANT SELECT ON <db>.* TO <user>',
    ),
  ]
}

async function serverIdUse(
  conn: QueryRunner,
  vars: Vars,
  serverId: number | undefined,
): Promise<PreflightFinding[]> {
  const out: PreflightFinding[] = []
  let dumps = 0
  try {
    const [rows] = await conn.query(
      "SELECT COUNT(*) AS n FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%'",
    )
    dumps = Number((rows as Array<{ n: number }>)[0]?.n ?? 0)
  } catch {
    // the count is informative only
  }
  if (serverId === undefined) {
    out.push(
      finding(
        'server_id',
        true,
        'info',
        `${dumps} binlog dump connection(s) open; no serverId given to check`,
      ),
    )
    return out
  }
  const own = Number(vars.server_id)
  let replicaIds: number[] = []
  let listed = true
  try {
    const [rows] = await conn.query('SHOW SLAVE HOSTS')
    replicaIds = (rows as Array<Record<string, unknown>>).map((r) => Number(r.Server_id ?? r.Server_Id))
  } catch {
    listed = false
  }
  const clash = serverId === own || replicaIds.includes(serverId)
  out.push(
    finding(
      'server_id',
      !clash && listed,
      clash ? 'error' : 'warning',
      clash
        ? `serverId ${serverId} is already used by ${serverId === own ? 'the server itself' : 'a registered replica'}`
        : listed
          ? `serverId ${serverId} is not used by the server or its registered replicas (${dumps} dump connection(s) open; readers do not register, so keep one serverId per pipeline)`
          : `could not list replicas (SHOW SLAVE HOSTS refused); ${dumps} dump connection(s) open`,
      clash
        ? 'choose another serverId, unique per pipeline'
        : 'GRANT REPLICATION MASTER ADMIN (MariaDB) to check replica ids',
    ),
  )
  return out
}

function retention(vars: Vars, isMariaDb: boolean, minSeconds: number): PreflightFinding {
  let seconds = Number(vars.binlog_expire_logs_seconds ?? 0)
  if (!seconds && vars.expire_logs_days) seconds = Number(vars.expire_logs_days) * 86_400
  const forever = seconds === 0
  const ok = forever || seconds >= minSeconds
  const hours = (seconds / 3600).toFixed(1)
  return finding(
    'binlog_retention',
    ok,
    'warning',
    forever
      ? 'binlogs never expire on the server (watch its disk)'
      : `binlogs are kept ${hours} h; a reader further behind than that must re-snapshot`,
    `raise binlog_expire_logs_seconds${isMariaDb ? '' : ' (on Alibaba RDS also the local binlog retention, default 3 h)'} to cover the longest outage you must survive`,
  )
}
