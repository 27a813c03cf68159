import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, openSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import {
  checkPortFree,
  isAlive,
  readPid,
  resolveCommand,
  sleep,
  spawnDetached,
  stopByPidFile,
} from './process-util.ts'
import { localCredentials, type stackFiles } from './settings.ts'

type Files = ReturnType<typeof stackFiles>

const serverRemedy =
  'install it with "sudo apt-get install -y mariadb-server", or add the directory that holds it to PATH'
const clientRemedy =
  'install it with "sudo apt-get install -y mariadb-client", or add the directory that holds it to PATH'

/**
 * A private MariaDB configured as the shipper needs a source to be: ROW binlog with FULL
 * image and FULL metadata (so column names travel in the binlog), GTIDs, utf8mb4.
 * Durability settings are relaxed because this server only ever holds test data.
 */
function myCnf(files: Files, port: number): string {
  const lines = [
    '[mysqld]',
    `datadir=${files.mysqlData}`,
    `socket=${files.mysqlSocket}`,
    `pid-file=${files.mysqlPid}`,
    `log-error=${files.mysqlLog}`,
    `port=${port}`,
    'bind-address=127.0.0.1',
    'skip-name-resolve',
    'server-id=1',
    'log-bin=mysql-bin',
    'binlog-format=ROW',
    'binlog-row-image=FULL',
    'binlog-row-metadata=FULL',
    'binlog-checksum=CRC32',
    'gtid-domain-id=0',
    'log-slave-updates=1',
    'binlog-expire-logs-seconds=86400',
    // A whole test suite writes gigabytes of binlog; MariaDB's BINLOG_GTID_POS (the snapshot
    // loader's position per chunk) scans the current file from its start, so smaller files
    // keep it from slowing down as the suite goes on (1 GiB by default, 100-500 MiB on RDS).
    'max-binlog-size=64M',
    'character-set-server=utf8mb4',
    'collation-server=utf8mb4_unicode_ci',
    'innodb-buffer-pool-size=512M',
    'innodb-log-file-size=256M',
    'innodb-flush-log-at-trx-commit=2',
    'sync-binlog=0',
    'max-connections=500',
    'max-allowed-packet=256M',
    'skip-log-error=0',
  ]
  if (process.getuid?.() === 0) lines.push('user=root')
  return lines.join('\n') + '\n'
}

function admin(files: Files, args: string[]): string {
  return execFileSync(
    resolveCommand('mariadb-admin', clientRemedy),
    [`--socket=${files.mysqlSocket}`, '-uroot', ...args],
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
}

function sql(files: Files, statements: string): void {
  execFileSync(resolveCommand('mariadb', clientRemedy), [`--socket=${files.mysqlSocket}`, '-uroot'], {
    input: statements,
    stdio: ['pipe', 'ignore', 'pipe'],
  })
}

export function mariadbRunning(files: Files): boolean {
  const pid = readPid(files.mysqlPid)
  if (pid === undefined || !isAlive(pid)) return false
  try {
    admin(files, ['ping'])
    return true
  } catch {
    return false
  }
}

export async function startMariadb(files: Files, port: number, log: (line: string) => void): Promise<void> {
  if (mariadbRunning(files)) {
    log(`mariadb: already running on 127.0.0.1:${port}`)
    return
  }
  const port_ = await checkPortFree(port)
  if (!port_.free) {
    throw Object.assign(
      new Error(
        `port ${port} on 127.0.0.1 is taken by ${port_.holder}; stop it or choose another port with SYNC_STACK_MYSQL_PORT=<port>`,
      ),
      { code: 'STACK_PORT_TAKEN' },
    )
  }
  mkdirSync(dirname(files.mysqlCnf), { recursive: true })
  writeFileSync(files.mysqlCnf, myCnf(files, port))
  const fresh = !existsSync(`${files.mysqlData}/mysql`)
  if (fresh) {
    log('mariadb: initialising the data directory')
    mkdirSync(files.mysqlData, { recursive: true })
    execFileSync(
      resolveCommand('mariadb-install-db', serverRemedy),
      [`--defaults-file=${files.mysqlCnf}`, '--auth-root-authentication-method=socket', '--skip-test-db'],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    )
  }
  const out = openSync(files.mysqlLog, 'a')
  // by the path the package check found: /usr/sbin is often not on a non-root user's PATH
  const daemon = spawnDetached('mariadbd', [`--defaults-file=${files.mysqlCnf}`], {
    remedy: serverRemedy,
    stdio: ['ignore', out, out],
  })
  const started = Date.now()
  for (;;) {
    try {
      admin(files, ['ping'])
      break
    } catch {
      if (daemon.error) throw daemon.error
      if (daemon.child.exitCode !== null) {
        throw new Error(
          `mariadbd exited with code ${daemon.child.exitCode} while starting; see ${files.mysqlLog}`,
        )
      }
      if (Date.now() - started > 30_000)
        throw new Error(`mariadb did not start within 30 s; see ${files.mysqlLog}`)
      await sleep(100)
    }
  }
  const { admin: a, repl: r } = localCredentials
  const users = ['127.0.0.1', 'localhost']
    .map(
      (host) => `
CREATE USER IF NOT EXISTS '${a.user}'@'${host}' IDENTIFIED BY '${a.password}';
GRANT ALL PRIVILEGES ON *.* TO '${a.user}'@'${host}' WITH GRANT OPTION;
CREATE USER IF NOT EXISTS '${r.user}'@'${host}' IDENTIFIED BY '${r.password}';
GRANT SELECT, RELOAD, SHOW VIEW, REPLICATION SLAVE, BINLOG MONITOR, REPLICATION CLIENT ON *.* TO '${r.user}'@'${host}';`,
    )
    .join('\n')
  sql(files, users)
  log(`mariadb: up on 127.0.0.1:${port} in ${((Date.now() - started) / 1000).toFixed(1)} s`)
}

export async function stopMariadb(files: Files, log: (line: string) => void): Promise<void> {
  if (await stopByPidFile(files.mysqlPid, 30_000)) log('mariadb: stopped')
}
