import {
  doctorVerdict,
  type Finding,
  kafkaFindings,
  keyFindings,
  literalTopics,
  mysqlFindings,
  starRocksFindings,
} from '@sync/ops-kit'
import { loadRuleDirectory } from '@sync/table-matcher'
import type { Command } from '../cli/command.ts'
import { bool, int, list, str } from '../cli/flags.ts'
import { groups, kafkaGroup, keyGroup, mysqlGroup, rulesGroup, starRocksGroup } from '../cli/option-groups.ts'
import {
  envelopeKey,
  kafkaClientOptions,
  kafkaSecrets,
  loadSettings,
  mysqlEndpoint,
  rulesDirectory,
  starRocksEndpoint,
} from '../config.ts'
import { against, describeError, exitCodes, usageError } from '../errors.ts'

// findings' messages as the CLI prints any error: one line naming the cause
const describe = { describe: (err: unknown, target?: string) => describeError(err, target).message }

const components = ['mysql', 'kafka', 'starrocks', 'key'] as const
const shared = groups(mysqlGroup, kafkaGroup, starRocksGroup, keyGroup, rulesGroup)

export const doctorCommand: Command = {
  name: 'doctor',
  summary: 'Preflight: MySQL binlog settings and privileges, Kafka and topics, StarRocks login, the key',
  usage: ['doctor [--only mysql,kafka,starrocks,key] [--server-id N] [--topic T …] [--rules DIR]'],
  details: [
    'MySQL: binlog on, ROW format, FULL row image and metadata, privileges, server_id clash, retention',
    "(binlog-reader's preflight). Kafka: brokers reachable, topics exist (--topic, and the literal",
    'topics of --rules). StarRocks: login over the query port (and the FE HTTP port with --sr-http-url).',
    'Key: configured, valid, seals and opens. Each finding has a remedy.',
    'Exit: 0 no error findings, 4 warnings only, 3 at least one error.',
  ],
  options: {
    ...shared.options,
    only: { type: 'string', multiple: true },
    'server-id': { type: 'string' },
    topic: { type: 'string', multiple: true },
    'sr-http-url': { type: 'string' },
  },
  optionHelp: {
    ...shared.help,
    only: `check only these: ${components.join(', ')} (default: all)`,
    'server-id': "the shipper's server_id, checked for clashes (default: mysql.serverId of --config)",
    topic: 'a topic that must exist',
    'sr-http-url': 'StarRocks FE HTTP URL to probe, e.g. http://fe:8030 (env STARROCKS_HTTP_URL)',
  },
  examples: [
    'sync-ops doctor --config /etc/sync/ops.json',
    'sync-ops doctor --only mysql --mysql-host rds.internal --mysql-user repl --mysql-password-file /run/secrets/repl --server-id 4242',
    'sync-ops doctor --only kafka,key --brokers kafka1:9092 --rules /etc/sync/rules --key-file /etc/sync/key --json',
  ],
  async run({ values, positionals }, ctx) {
    if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`)
    const only = list(values, 'only')
    for (const c of only)
      if (!(components as readonly string[]).includes(c))
        throw usageError(`--only must list ${components.join(', ')}, received ${JSON.stringify(c)}`)
    const wanted = (c: (typeof components)[number]) => only.length === 0 || only.includes(c)
    const settings = loadSettings(values, ctx.env)
    const serverId = int(values, 'server-id', { min: 1, max: 4294967295 }) ?? settings.file.mysql?.serverId
    const findings: Finding[] = []
    if (wanted('mysql')) {
      const e = mysqlEndpoint(settings)
      ctx.out.addSecret(e.password)
      findings.push(...(await mysqlFindings(e, serverId, describe)))
    }
    if (wanted('kafka')) {
      const topics = list(values, 'topic')
      const dir = rulesDirectory(settings)
      if (dir !== undefined) {
        const rules = await against(`rules in ${dir}`, () => loadRuleDirectory(dir))
        for (const t of literalTopics(rules)) if (!topics.includes(t)) topics.push(t)
      }
      const kafka = kafkaClientOptions(settings)
      for (const secret of kafkaSecrets(kafka)) ctx.out.addSecret(secret)
      findings.push(...(await kafkaFindings(kafka, topics, describe)))
    }
    if (wanted('starrocks')) {
      const e = starRocksEndpoint(settings)
      ctx.out.addSecret(e.password)
      const httpUrl = str(values, 'sr-http-url')
      findings.push(...(await starRocksFindings(httpUrl ? { ...e, httpUrl } : e, describe)))
    }
    if (wanted('key')) {
      let key: string | undefined
      let error: unknown
      try {
        key = envelopeKey(settings)
      } catch (err) {
        error = err
      }
      ctx.out.addSecret(key)
      findings.push(...keyFindings(key, error, describe))
    }
    const verdict = doctorVerdict(findings)
    if (bool(values, 'json')) ctx.out.json({ ok: verdict !== 'error', findings })
    else {
      for (const f of findings) {
        const mark = f.ok
          ? 'ok  '
          : f.severity === 'error'
            ? 'FAIL'
            : f.severity === 'warning'
              ? 'warn'
              : 'info'
        ctx.out.line(`${mark} ${f.component.padEnd(9)} ${f.check}: ${f.message}`)
        if (!f.ok && f.remedy) ctx.out.line(`     ${' '.repeat(9)} fix: ${f.remedy}`)
      }
    }
    if (verdict === 'error') return exitCodes.checkFailed
    return verdict === 'warning' ? exitCodes.warning : exitCodes.ok
  },
}
