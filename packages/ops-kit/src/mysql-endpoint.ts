// A MySQL-protocol server (a source MySQL or the StarRocks FE query port) as the checks take it.

export interface MysqlEndpoint {
  host: string
  port: number
  user: string
  password: string
  /** "MySQL at host:port": for messages; holds no secret. */
  label: string
  /** TLS options passed to mysql2 (`{}` verifies against the system CAs). */
  ssl?: MysqlTlsOptions
}

export interface MysqlTlsOptions {
  /** PEM of the CA that signed the server's certificate. */
  ca?: string
  /** false accepts any certificate (testing only). Default true. */
  rejectUnauthorized?: boolean
}

/** mysql2 connection options of an endpoint (host, port, user, password, TLS). */
export function mysqlConnectionOptions(e: MysqlEndpoint): {
  host: string
  port: number
  user: string
  password: string
  ssl?: MysqlTlsOptions
} {
  return {
    host: e.host,
    port: e.port,
    user: e.user,
    password: e.password,
    ...(e.ssl ? { ssl: { ...e.ssl } } : {}),
  }
}
