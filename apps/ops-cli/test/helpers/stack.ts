// Connection flags and env for running commands against the local stack's MariaDB.
import { mysqlOptions } from '@sync/test-kit'

export function sourceEnv(): Record<string, string> {
  const o = mysqlOptions('admin')
  return {
    MYSQL_HOST: String(o.host),
    MYSQL_PORT: String(o.port),
    MYSQL_USER: String(o.user),
    MYSQL_PASSWORD: String(o.password ?? ''),
  }
}

/** The emulator keeps StarRocks tables in the stack's MariaDB: its MySQL protocol is the FE's. */
export function starRocksEnv(database: string): Record<string, string> {
  const o = mysqlOptions('admin')
  return {
    STARROCKS_HOST: String(o.host),
    STARROCKS_PORT: String(o.port),
    STARROCKS_USER: String(o.user),
    STARROCKS_PASSWORD: String(o.password ?? ''),
    STARROCKS_DATABASE: database,
  }
}

export function password(): string {
  return String(mysqlOptions('admin').password ?? '')
}
