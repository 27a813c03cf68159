// The options of createSinker, checked once there: every required option is present and of
// the right shape, numbers are in range, unknown keys are refused (a misspelt option would
// otherwise be ignored silently). Each message names the option and what was received.
import type { ChangeDecoder } from '@sync/change-message'
import type { Admin, Consumer, Producer } from 'kafkajs'
import { SinkError } from './errors.ts'
import { noopSinkMetrics, type SinkMetrics } from './metrics.ts'
import type { LoadTarget, SinkLogger } from './types.ts'

export interface SinkerOptions {
  consumer: Consumer
  admin: Admin
  producer: Producer
  decoder: ChangeDecoder
  /** Opens snapshot control messages (same keys as the decoder). */
  openControl: (value: Buffer) => string
  target: LoadTarget
  groupId: string
  topics: readonly string[]
  topicPattern?: string | undefined
  fromBeginning: boolean
  topicToTable: Readonly<Record<string, string>>
  flush: {
    rows: number
    bytes: number
    intervalMs: number
    minTableIntervalMs: number
    memoryBudgetBytes: number
  }
  labelPrefix: string
  deadLetterTopic: string
  partitionsConsumedConcurrently?: number | undefined
  logger: SinkLogger
  metrics: SinkMetrics
  /** Wall clock (ms): flush intervals, hold reports, health, the stop deadline. */
  now: () => number
}

export const defaultSinkerOptions = {
  /** kafkajs' setting: partitions whose batches are handled at the same time. */
  partitionsConsumedConcurrently: 4,
} as const

const methods = {
  consumer: ['connect', 'disconnect', 'subscribe', 'run', 'pause', 'resume', 'commitOffsets', 'on'],
  admin: ['connect', 'disconnect', 'fetchOffsets', 'fetchTopicOffsets', 'fetchTopicMetadata'],
  producer: ['connect', 'disconnect', 'send'],
  decoder: ['decode'],
  target: ['load', 'close'],
  logger: ['debug', 'info', 'warn', 'error'],
} as const
const flushKeys = ['rows', 'bytes', 'intervalMs', 'minTableIntervalMs', 'memoryBudgetBytes'] as const
const known = new Set([
  ...Object.keys(methods),
  'openControl',
  'groupId',
  'topics',
  'topicPattern',
  'fromBeginning',
  'topicToTable',
  'flush',
  'labelPrefix',
  'deadLetterTopic',
  'partitionsConsumedConcurrently',
  'metrics',
  'now',
])

function show(v: unknown): string {
  if (v === undefined) return 'nothing'
  if (typeof v === 'function') return 'a function'
  if (typeof v === 'bigint') return `${v}n`
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return 'an object'
  try {
    return JSON.stringify(v) ?? String(v)
  } catch {
    return String(v)
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)
const isName = (v: unknown): v is string => typeof v === 'string' && v !== ''

/** Throws SINK_INVALID_OPTION at the first option that is missing, misshapen or unknown. */
export function validateSinkerOptions(options: unknown): asserts options is SinkerOptions {
  const fail = (message: string): never => {
    throw new SinkError('SINK_INVALID_OPTION', message)
  }
  if (!isObject(options)) fail(`options must be an object, received ${show(options)}`)
  const o = options as Record<string, unknown>
  for (const k of Object.keys(o)) if (!known.has(k)) fail(`options.${k} is not a known option`)
  for (const [name, list] of Object.entries(methods)) {
    const v = o[name]
    if (!isObject(v)) fail(`options.${name} must be an object, received ${show(v)}`)
    for (const m of list)
      if (typeof (v as Record<string, unknown>)[m] !== 'function')
        fail(`options.${name}.${m} must be a function, received ${show((v as Record<string, unknown>)[m])}`)
  }
  for (const name of ['openControl', 'now'])
    if (typeof o[name] !== 'function') fail(`options.${name} must be a function, received ${show(o[name])}`)
  for (const name of ['groupId', 'labelPrefix', 'deadLetterTopic'])
    if (!isName(o[name])) fail(`options.${name} must be a non-empty string, received ${show(o[name])}`)
  if (!Array.isArray(o.topics) || !o.topics.every(isName))
    fail(`options.topics must be an array of non-empty strings, received ${show(o.topics)}`)
  const topics = o.topics as string[]
  if (o.topicPattern !== undefined) {
    if (!isName(o.topicPattern))
      fail(`options.topicPattern must be a non-empty string, received ${show(o.topicPattern)}`)
    try {
      new RegExp(o.topicPattern as string)
    } catch {
      fail(`options.topicPattern must be a regular expression, received ${show(o.topicPattern)}`)
    }
  }
  if (topics.length === 0 && o.topicPattern === undefined)
    fail('options.topics or options.topicPattern must name what to consume, received neither')
  if (topics.includes(o.deadLetterTopic as string))
    fail(`options.deadLetterTopic must not be one of options.topics, received ${show(o.deadLetterTopic)}`)
  if (typeof o.fromBeginning !== 'boolean')
    fail(`options.fromBeginning must be true or false, received ${show(o.fromBeginning)}`)
  if (!isObject(o.topicToTable))
    fail(`options.topicToTable must be an object, received ${show(o.topicToTable)}`)
  for (const [topic, table] of Object.entries(o.topicToTable as Record<string, unknown>))
    if (!isName(table))
      fail(`options.topicToTable[${JSON.stringify(topic)}] must be a table name, received ${show(table)}`)
  if (!isObject(o.flush)) fail(`options.flush must be an object, received ${show(o.flush)}`)
  const flush = o.flush as Record<string, unknown>
  for (const k of Object.keys(flush))
    if (!(flushKeys as readonly string[]).includes(k)) fail(`options.flush.${k} is not a known option`)
  for (const k of flushKeys) {
    const min = k === 'minTableIntervalMs' ? 0 : 1
    const v = flush[k]
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min)
      fail(`options.flush.${k} must be an integer >= ${min}, received ${show(v)}`)
  }
  const pcc = o.partitionsConsumedConcurrently
  if (pcc !== undefined && (typeof pcc !== 'number' || !Number.isSafeInteger(pcc) || pcc < 1))
    fail(`options.partitionsConsumedConcurrently must be an integer >= 1, received ${show(pcc)}`)
  if (!isObject(o.metrics)) fail(`options.metrics must be an object, received ${show(o.metrics)}`)
  const metrics = o.metrics as Record<string, unknown>
  for (const [name, handle] of Object.entries(noopSinkMetrics)) {
    const method = Object.keys(handle)[0]!
    const given = metrics[name]
    if (!isObject(given) || typeof given[method] !== 'function')
      fail(`options.metrics.${name} must have ${method}(), received ${show(given)}`)
  }
}
