import { groupLag, isLagOverLimits, type PartitionLag, readShipperLag, type Sample } from '@sync/ops-kit'
import type { Command } from '../cli/command.ts'
import { bool, int, list, str } from '../cli/flags.ts'
import { kafkaGroup } from '../cli/option-groups.ts'
import { kafkaClientOptions, kafkaSecrets, loadSettings } from '../config.ts'
import { exitCodes, usageError } from '../errors.ts'
import { withKafkaAdmin } from '../lib/kafka-admin.ts'

export const lagCommand: Command = {
  name: 'lag',
  summary: 'Consumer-group lag per topic and partition; shipper lag from its /metrics',
  usage: [
    'lag --group GROUP [--group …] [--topic TOPIC …] [--max-lag N]',
    'lag --shipper-metrics http://shipper:9464/metrics [--max-seconds S]',
  ],
  details: [
    "Lag is the high watermark minus the group's committed offset (minus the low watermark when the",
    'group committed nothing). Shipper lag: every sample on its /metrics whose name holds lag, behind',
    'or delay. Exit: 0 within limits, 3 over --max-lag / --max-seconds, 1 cannot query.',
  ],
  options: {
    ...kafkaGroup.options,
    group: { type: 'string', multiple: true },
    topic: { type: 'string', multiple: true },
    'max-lag': { type: 'string' },
    'shipper-metrics': { type: 'string', multiple: true },
    'max-seconds': { type: 'string' },
  },
  optionHelp: {
    ...kafkaGroup.help,
    group: "consumer group (the sinker's group id)",
    topic: 'only these topics',
    'max-lag': 'fail (exit 3) when a partition lags more messages than this',
    'shipper-metrics': "the shipper's metrics URL",
    'max-seconds': 'fail (exit 3) when a shipper lag sample in seconds exceeds this',
  },
  examples: [
    'sync-ops lag --group sync-sinker --brokers kafka1:9092',
    'sync-ops lag --group sync-sinker --topic sync_stream.ods_orders --max-lag 10000 --json',
    'sync-ops lag --shipper-metrics http://127.0.0.1:9464/metrics --max-seconds 60',
  ],
  async run({ values, positionals }, ctx) {
    if (positionals.length > 0) throw usageError(`unexpected argument ${JSON.stringify(positionals[0])}`)
    const groupsWanted = list(values, 'group')
    const urls = list(values, 'shipper-metrics')
    if (groupsWanted.length === 0 && urls.length === 0)
      throw usageError('give --group GROUP and/or --shipper-metrics URL')
    const maxLag = int(values, 'max-lag', { min: 0 })
    const maxSeconds = int(values, 'max-seconds', { min: 0 })
    let partitions: PartitionLag[] = []
    if (groupsWanted.length > 0) {
      const kafka = kafkaClientOptions(loadSettings(values, ctx.env))
      for (const secret of kafkaSecrets(kafka)) ctx.out.addSecret(secret)
      const topics = list(values, 'topic')
      partitions = await withKafkaAdmin(kafka, async (admin) => {
        const all: PartitionLag[] = []
        for (const g of groupsWanted) all.push(...(await groupLag(admin, g, topics)))
        return all
      })
    }
    const shipper: Array<Sample & { url: string }> = []
    for (const url of urls) shipper.push(...(await readShipperLag(url)).map((s) => ({ ...s, url })))
    const over = isLagOverLimits(partitions, shipper, {
      ...(maxLag === undefined ? {} : { maxLag }),
      ...(maxSeconds === undefined ? {} : { maxSeconds }),
    })
    if (bool(values, 'json')) ctx.out.json({ ok: !over, partitions, shipper })
    else {
      if (groupsWanted.length > 0) {
        ctx.out.table(partitions, ['group', 'topic', 'partition', 'committed', 'high', 'lag'])
        const byGroup = new Map<string, number>()
        for (const p of partitions) byGroup.set(p.group, (byGroup.get(p.group) ?? 0) + p.lag)
        for (const [g, total] of byGroup) ctx.out.line(`group ${g}: ${total} message(s) behind`)
      }
      if (urls.length > 0) {
        ctx.out.table(
          shipper.map((s) => ({
            metric: s.name,
            labels: Object.entries(s.labels)
              .map(([k, v]) => `${k}=${v}`)
              .join(','),
            value: s.value,
          })),
          ['metric', 'labels', 'value'],
        )
      }
    }
    if (str(values, 'topic') !== undefined && partitions.length === 0) {
      ctx.out.note('no committed offsets of the group(s) on the given topic(s)')
    }
    return over ? exitCodes.checkFailed : exitCodes.ok
  },
}
