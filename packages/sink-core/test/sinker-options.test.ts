import { describe, expect, it } from 'vitest'
import { isSinkError } from '../src/errors.ts'
import { noopSinkMetrics } from '../src/metrics.ts'
import { createSinker } from '../src/sinker.ts'
import { type SinkerOptions, validateSinkerOptions } from '../src/sinker-options.ts'

const fn = () => {}
const fake = (names: string[]) => Object.fromEntries(names.map((n) => [n, fn]))

function valid(): SinkerOptions {
  return {
    consumer: fake(['connect', 'disconnect', 'subscribe', 'run', 'pause', 'resume', 'commitOffsets', 'on']),
    admin: fake(['connect', 'disconnect', 'fetchOffsets', 'fetchTopicOffsets', 'fetchTopicMetadata']),
    producer: fake(['connect', 'disconnect', 'send']),
    decoder: fake(['decode']),
    openControl: () => '',
    target: {
      kind: 'starrocks',
      load: async () => ({ loadedRows: 0, loadedBytes: 0, rejected: [] }),
      close: async () => {},
    },
    groupId: 'g',
    topics: ['ods.orders'],
    fromBeginning: true,
    topicToTable: { 'ods.orders': 'orders' },
    flush: { rows: 10, bytes: 1024, intervalMs: 1000, minTableIntervalMs: 0, memoryBudgetBytes: 4096 },
    labelPrefix: 'sinker',
    deadLetterTopic: 'ods.dlq',
    logger: fake(['debug', 'info', 'warn', 'error']),
    metrics: noopSinkMetrics,
    now: () => 0,
  } as unknown as SinkerOptions
}

/** The message validateSinkerOptions throws for `options`, checking it is SINK_INVALID_OPTION. */
function problem(options: unknown): string {
  try {
    validateSinkerOptions(options)
  } catch (err) {
    expect(isSinkError(err) && err.code).toBe('SINK_INVALID_OPTION')
    expect((err as { retriable: boolean }).retriable).toBe(false)
    return (err as Error).message
  }
  return 'accepted'
}

describe('createSinker options', () => {
  it('accepts complete options (a topic pattern instead of topics too) and creates a sinker', () => {
    expect(problem(valid())).toBe('accepted')
    expect(
      problem({ ...valid(), topics: [], topicPattern: '^ods\\.', partitionsConsumedConcurrently: 2 }),
    ).toBe('accepted')
    expect(typeof createSinker(valid()).start).toBe('function')
  })

  it('refuses unknown keys, naming them', () => {
    expect(problem({ ...valid(), flushIntervalMs: 1000 })).toBe(
      'options.flushIntervalMs is not a known option',
    )
    expect(problem({ ...valid(), flush: { ...valid().flush, interval: 5 } })).toBe(
      'options.flush.interval is not a known option',
    )
    expect(() => createSinker({ ...valid(), bogus: 1 } as unknown as SinkerOptions)).toThrow(
      'options.bogus is not a known option',
    )
  })

  it('names the option and what it received', () => {
    expect(problem({ ...valid(), flush: { ...valid().flush, rows: 0 } })).toBe(
      'options.flush.rows must be an integer >= 1, received 0',
    )
    expect(problem({ ...valid(), flush: { ...valid().flush, minTableIntervalMs: -1 } })).toBe(
      'options.flush.minTableIntervalMs must be an integer >= 0, received -1',
    )
    expect(problem({ ...valid(), groupId: '' })).toBe(
      'options.groupId must be a non-empty string, received ""',
    )
    expect(problem({ ...valid(), topics: [], topicPattern: 'ods.(' })).toBe(
      'options.topicPattern must be a regular expression, received "ods.("',
    )
    expect(problem({ ...valid(), topics: [] })).toBe(
      'options.topics or options.topicPattern must name what to consume, received neither',
    )
    expect(problem({ ...valid(), deadLetterTopic: 'ods.orders' })).toBe(
      'options.deadLetterTopic must not be one of options.topics, received "ods.orders"',
    )
    expect(problem({ ...valid(), target: { kind: 'starrocks', load: fn } })).toBe(
      'options.target.close must be a function, received nothing',
    )
    expect(problem({ ...valid(), metrics: { ...noopSinkMetrics, stopped: undefined } })).toBe(
      'options.metrics.stopped must have inc(), received nothing',
    )
    expect(problem({ ...valid(), topicToTable: { 'ods.orders': 7 } })).toBe(
      'options.topicToTable["ods.orders"] must be a table name, received 7',
    )
    expect(problem({ ...valid(), partitionsConsumedConcurrently: 0 })).toBe(
      'options.partitionsConsumedConcurrently must be an integer >= 1, received 0',
    )
    expect(problem(undefined)).toBe('options must be an object, received nothing')
  })
})
