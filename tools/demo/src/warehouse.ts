// Which StarRocks the demo loads into: the Stream Load emulator on the local stack, or a
// real StarRocks named by the same variables ops-cli reads:
//
//   STARROCKS_HTTP_URL  FE HTTP address, e.g. http://fe1:8030 (setting it selects a real StarRocks)
//   STARROCKS_HOST      FE query host (default: the host of STARROCKS_HTTP_URL)
//   STARROCKS_PORT      FE query port (default 9030)
//   STARROCKS_USER      default root
//   STARROCKS_PASSWORD  default empty
//   STARROCKS_DATABASE  database to create the demo tables in (default sync_demo_sr_<run>);
//                       a named database is kept, only the demo's tables are dropped after
export interface RealStarRocks {
  httpUrl: string
  host: string
  port: number
  user: string
  password: string
  database?: string
}

/** A real StarRocks from the environment, or undefined (then the demo runs the emulator). */
export function readStarRocksEnv(env: NodeJS.ProcessEnv): RealStarRocks | undefined {
  const httpUrl = env.STARROCKS_HTTP_URL?.trim()
  if (!httpUrl) return undefined
  let url: URL
  try {
    url = new URL(httpUrl)
  } catch {
    throw new Error(`STARROCKS_HTTP_URL must be an http:// URL such as http://fe1:8030, received ${httpUrl}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`STARROCKS_HTTP_URL must be an http:// URL such as http://fe1:8030, received ${httpUrl}`)
  const port = Number(env.STARROCKS_PORT ?? '9030')
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`STARROCKS_PORT must be a port number, received ${env.STARROCKS_PORT}`)
  return {
    httpUrl: url.origin,
    host: env.STARROCKS_HOST?.trim() || url.hostname,
    port,
    user: env.STARROCKS_USER?.trim() || 'root',
    password: env.STARROCKS_PASSWORD ?? '',
    ...(env.STARROCKS_DATABASE?.trim() ? { database: env.STARROCKS_DATABASE.trim() } : {}),
  }
}
