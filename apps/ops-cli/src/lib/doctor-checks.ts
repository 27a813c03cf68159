// Doctor findings beyond MySQL's own preflight (which binlog-reader provides): Kafka,
// StarRocks and the envelope key. Each finding names what is wrong and how to fix it.
import { preflight } from '@sync/binlog-reader'
import { createEnvelopeCipher } from '@sync/crypto-envelope'
import type { Endpoint, StarRocksEndpoint } from '../config.ts'
import { withMysql } from './connections.ts'
import { describeError } from './describe-error.ts'
import { withKafkaAdmin } from './kafka-admin.ts'

export interface Finding {
  component: 'mysql' | 'kafka' | 'starrocks' | 'key'
  check: string
  ok: boolean
  severity: 'error' | 'warning' | 'info'
  message: string
  remedy: string
}

const failure = (component: Finding['component'], check: string, err: unknown, remedy: string): Finding => ({
  component,
  check,
  ok: false,
  severity: 'error',
  message: describeError(err).message,
  remedy,
})

export async function mysqlFindings(e: Endpoint, serverId?: number): Promise<Finding[]> {
  try {
    const found = await preflight(
      { host: e.host, port: e.port, user: e.user, password: e.password, connectTimeout: 10_000 },
      serverId === undefined ? {} : { serverId },
    )
    return [
      {
        component: 'mysql',
        check: 'connect',
        ok: true,
        severity: 'info',
        message: `connected to ${e.label} as ${e.user}`,
        remedy: '',
      },
      ...found.map((f) => ({ component: 'mysql' as const, ...f })),
    ]
  } catch (err) {
    return [
      failure(
        'mysql',
        'connect',
        describeError(err, e.label),
        'check host, port, user and password; the account needs REPLICATION SLAVE, BINLOG MONITOR (REPLICATION CLIENT) and SELECT',
      ),
    ]
  }
}

export async function kafkaFindings(brokers: string[], topics: readonly string[]): Promise<Finding[]> {
  try {
    return await withKafkaAdmin(brokers, async (admin) => {
      const cluster = await admin.describeCluster()
      const out: Finding[] = [
        {
          component: 'kafka',
          check: 'connect',
          ok: true,
          severity: 'info',
          message: `reached ${cluster.brokers.length} broker(s): ${cluster.brokers.map((b) => `${b.host}:${b.port}`).join(', ')}`,
          remedy: '',
        },
      ]
      if (topics.length > 0) {
        const existing = new Set(await admin.listTopics())
        for (const t of topics) {
          const ok = existing.has(t)
          out.push({
            component: 'kafka',
            check: `topic ${t}`,
            ok,
            severity: ok ? 'info' : 'error',
            message: ok ? `topic ${t} exists` : `topic ${t} does not exist`,
            remedy: ok
              ? ''
              : `create it: kafka-topics.sh --create --topic ${t} --partitions <n> --bootstrap-server …`,
          })
        }
      }
      return out
    })
  } catch (err) {
    return [
      failure(
        'kafka',
        'connect',
        err,
        'check --brokers / KAFKA_BROKERS, listeners, advertised.listeners and firewalls',
      ),
    ]
  }
}

export async function starRocksFindings(e: StarRocksEndpoint): Promise<Finding[]> {
  const out: Finding[] = []
  try {
    const version = await withMysql(
      e,
      async (conn) => {
        const [rows] = await conn.query('SELECT VERSION() AS v')
        return String((rows as Array<{ v: string }>)[0]?.v ?? '')
      },
      e.database,
    )
    out.push({
      component: 'starrocks',
      check: 'query port',
      ok: true,
      severity: 'info',
      message: `logged in to ${e.label} as ${e.user}${e.database ? `, database ${e.database}` : ''} (version ${version})`,
      remedy: '',
    })
  } catch (err) {
    out.push(
      failure(
        'starrocks',
        'query port',
        err,
        'check --sr-host/--sr-port (FE query port, 9030), user, password and that the database exists',
      ),
    )
  }
  if (e.httpUrl !== undefined) {
    try {
      await fetch(e.httpUrl, { method: 'GET', redirect: 'manual', signal: AbortSignal.timeout(10_000) })
      out.push({
        component: 'starrocks',
        check: 'http',
        ok: true,
        severity: 'info',
        message: `FE HTTP answers at ${e.httpUrl}`,
        remedy: '',
      })
    } catch (err) {
      out.push(
        failure(
          'starrocks',
          'http',
          describeError(err, `StarRocks HTTP at ${e.httpUrl}`),
          "check the FE http_port (8030) and that the sinker's network reaches it",
        ),
      )
    }
  }
  return out
}

export function keyFindings(key: string | undefined, error?: unknown): Finding[] {
  if (error !== undefined)
    return [
      failure('key', 'key', error, 'give a 32, 48 or 64 hex digit key (sync-ops envelope keygen makes one)'),
    ]
  if (key === undefined) {
    return [
      {
        component: 'key',
        check: 'key',
        ok: false,
        severity: 'warning',
        message: 'no envelope key configured',
        remedy: 'pass --key-file or set SYNC_ENVELOPE_KEY',
      },
    ]
  }
  const cipher = createEnvelopeCipher({ key })
  const probe = '{"doctor":true}'
  const ok = cipher.openToString(cipher.sealToJson(probe)) === probe
  return [
    {
      component: 'key',
      check: 'key',
      ok,
      severity: ok ? 'info' : 'error',
      message: ok ? `AES-${key.length * 4}-GCM key seals and opens` : 'the key does not round-trip',
      remedy: ok ? '' : 'regenerate the key',
    },
  ]
}
