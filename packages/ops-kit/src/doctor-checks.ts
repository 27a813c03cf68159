// Doctor findings beyond MySQL's own preflight (which binlog-reader provides): Kafka,
// StarRocks and the envelope key. Each finding names what is wrong and how to fix it.
import { preflight, selectConnectionOptions } from '@sync/binlog-reader'
import { createEnvelopeCipher } from '@sync/crypto-envelope'
import type { RuleSet } from '@sync/table-matcher'
import mysql from 'mysql2/promise'
import { describeFailure } from './describe-failure.ts'
import { createKafkaClient, type KafkaClientOptions, kafkaLabel, withKafkaAdmin } from './kafka-client.ts'
import { type MysqlEndpoint, mysqlConnectionOptions } from './mysql-endpoint.ts'

export interface Finding {
  component: 'mysql' | 'kafka' | 'starrocks' | 'key'
  check: string
  ok: boolean
  severity: 'error' | 'warning' | 'info'
  message: string
  remedy: string
}

/**
 * Turns a failure into the finding's message. The default is describeFailure's line (the
 * target and the classified cause: refused, wrong password, …). A caller may pass its own;
 * it must not put secrets in the text.
 */
export type DescribeFailure = (err: unknown, target?: string) => string

export const defaultDescribeFailure: DescribeFailure = (err, target) => describeFailure(err, target).message

export interface DoctorOptions {
  describe?: DescribeFailure
}

export interface StarRocksDoctorEndpoint extends MysqlEndpoint {
  database?: string
  /** The FE HTTP URL (http://fe:8030), probed when given. */
  httpUrl?: string
}

const failure = (
  component: Finding['component'],
  check: string,
  message: string,
  remedy: string,
): Finding => ({
  component,
  check,
  ok: false,
  severity: 'error',
  message,
  remedy,
})

/** binlog-reader's preflight of the source, after a "connect" finding. */
export async function mysqlFindings(
  e: MysqlEndpoint,
  serverId?: number,
  options: DoctorOptions = {},
): Promise<Finding[]> {
  const describe = options.describe ?? defaultDescribeFailure
  try {
    const found = await preflight(
      { ...mysqlConnectionOptions(e), connectTimeout: 10_000 },
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
        describe(err, e.label),
        'check host, port, user and password; the account needs REPLICATION SLAVE, BINLOG MONITOR (REPLICATION CLIENT) and SELECT',
      ),
    ]
  }
}

/** Brokers reachable (with the given TLS/SASL), then one finding per topic that must exist. */
export async function kafkaFindings(
  kafka: KafkaClientOptions,
  topics: readonly string[],
  options: DoctorOptions = {},
): Promise<Finding[]> {
  const describe = options.describe ?? defaultDescribeFailure
  try {
    return await withKafkaAdmin(createKafkaClient(kafka), async (admin) => {
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
        describe(err, kafkaLabel(kafka)),
        'check --brokers / KAFKA_BROKERS, listeners, advertised.listeners and firewalls',
      ),
    ]
  }
}

/** Login over the FE query port (MySQL protocol), and the FE HTTP port when `httpUrl` is given. */
export async function starRocksFindings(
  e: StarRocksDoctorEndpoint,
  options: DoctorOptions = {},
): Promise<Finding[]> {
  const describe = options.describe ?? defaultDescribeFailure
  const out: Finding[] = []
  try {
    const conn = await mysql.createConnection({
      ...mysqlConnectionOptions(e),
      ...(e.database ? { database: e.database } : {}),
      ...selectConnectionOptions,
      connectTimeout: 10_000,
    })
    conn.on('error', () => {})
    let version: string
    try {
      const [rows] = await conn.query('SELECT VERSION() AS v')
      version = String((rows as Array<{ v: string }>)[0]?.v ?? '')
    } finally {
      await conn.end().catch(() => conn.destroy())
    }
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
        describe(err, e.label),
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
          describe(err, `StarRocks HTTP at ${e.httpUrl}`),
          "check the FE http_port (8030) and that the sinker's network reaches it",
        ),
      )
    }
  }
  return out
}

/** The envelope key: configured, valid, seals and opens. `error` is why resolving it failed. */
export function keyFindings(
  key: string | undefined,
  error?: unknown,
  options: DoctorOptions = {},
): Finding[] {
  const describe = options.describe ?? defaultDescribeFailure
  if (error !== undefined)
    return [
      failure(
        'key',
        'key',
        describe(error),
        'give a 32, 48 or 64 hex digit key (sync-ops envelope keygen makes one)',
      ),
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

/** The topics of rules that name one literally (no `{group}` placeholders). */
export function literalTopics(ruleSet: RuleSet): string[] {
  const out: string[] = []
  for (const r of ruleSet.rules)
    if (!r.target.topic.includes('{') && !out.includes(r.target.topic)) out.push(r.target.topic)
  return out
}

export type DoctorVerdict = 'ok' | 'warning' | 'error'

/** 'error' when any finding is an error, else 'warning' when any is a warning. */
export function doctorVerdict(findings: readonly Finding[]): DoctorVerdict {
  if (findings.some((f) => f.severity === 'error')) return 'error'
  return findings.some((f) => f.severity === 'warning') ? 'warning' : 'ok'
}
