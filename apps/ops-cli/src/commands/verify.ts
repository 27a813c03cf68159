import { type ShardResult, verifyRules } from '@sync/ops-kit'
import { loadRuleDirectory } from '@sync/table-matcher'
import type { Command } from '../cli/command.ts'
import { bool, list, str } from '../cli/flags.ts'
import { groups, mysqlGroup, rulesGroup, starRocksGroup } from '../cli/option-groups.ts'
import { loadSettings, mysqlEndpoint, rulesDirectory, starRocksEndpoint } from '../config.ts'
import { against, exitCodes, usageError } from '../errors.ts'
import { withMysql } from '../lib/connections.ts'

const shared = groups(mysqlGroup, starRocksGroup, rulesGroup)

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'Compare row counts (and key checksums) of every source shard with the StarRocks target',
  usage: ['verify --rules DIR [--rule NAME] [--database DB ...] [--checksum]'],
  details: [
    'Every physical table the rules capture is counted on the source and compared with its rows in',
    'the target table (rows carrying its table-name / capture values, when the rule adds them).',
    '--checksum also compares an order-independent checksum of the primary-key values.',
    'Run it when the pipeline is idle or expect differences of in-flight rows.',
    'Exit: 0 all equal, 3 some mismatch, 1 cannot query.',
  ],
  options: {
    ...shared.options,
    rule: { type: 'string' },
    database: { type: 'string', multiple: true },
    checksum: { type: 'boolean' },
  },
  optionHelp: {
    ...shared.help,
    rule: 'only this rule',
    database: 'source databases to scan (default: all)',
    checksum: 'also compare primary-key checksums (reads every key)',
  },
  examples: [
    'sync-ops verify --rules /etc/sync/rules --sr-host fe1 --sr-database ods',
    'sync-ops verify --rules ./rules --rule orders --checksum --json',
  ],
  async run({ values, positionals }, ctx) {
    if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`)
    const settings = loadSettings(values, ctx.env)
    const dir = rulesDirectory(settings)
    if (dir === undefined) throw usageError('--rules DIR is required (or SYNC_RULES_DIR)')
    const source = mysqlEndpoint(settings)
    const sr = starRocksEndpoint(settings)
    ctx.out.addSecret(source.password)
    ctx.out.addSecret(sr.password)
    const ruleSet = await against(`rules in ${dir}`, () => loadRuleDirectory(dir))
    const rule = str(values, 'rule')
    const results: ShardResult[] = await withMysql(source, (src) =>
      withMysql(sr, (target) =>
        verifyRules(ruleSet, {
          source: src,
          target,
          ...(sr.database ? { targetDatabase: sr.database } : {}),
          checksum: bool(values, 'checksum'),
          databases: list(values, 'database'),
          ...(rule ? { rule } : {}),
        }),
      ),
    )
    const bad = results.filter((r) => !r.ok)
    if (bool(values, 'json')) ctx.out.json({ ok: bad.length === 0, shards: results })
    else {
      const columns = [
        'target',
        'shard',
        'sourceRows',
        'targetRows',
        ...(bool(values, 'checksum') ? ['sourceChecksum', 'targetChecksum'] : []),
        'ok',
      ]
      ctx.out.table(
        results.map((r) => ({ ...r, ok: r.ok ? 'ok' : 'MISMATCH' })),
        columns,
      )
      ctx.out.line(
        bad.length === 0
          ? `all ${results.length} shard(s) match`
          : `${bad.length} of ${results.length} shard(s) differ`,
      )
    }
    return bad.length > 0 ? exitCodes.checkFailed : exitCodes.ok
  },
}
