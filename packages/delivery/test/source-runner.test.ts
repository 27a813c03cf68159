// The source runner with a scripted reader in place of the binlog connection (the reader is
// an option of the runner; the binlog side is proven against MariaDB by the shipper's stack
// tests). Everything else is real: table-matcher rules, the change-message encoder, the
// envelope cipher, the delivery loop and a file checkpoint store.

import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  BinlogError,
  type BinlogPosition,
  type BinlogReaderOptions,
  type ReaderEvent,
  type RenderedRow,
  type StartPosition,
} from '@sync/binlog-reader'
import { createChangeEncoder } from '@sync/change-message'
import { createEnvelopeCipher, generateKey } from '@sync/crypto-envelope'
import { createTableMatcher, parseRuleSet } from '@sync/table-matcher'
import { afterEach, describe, expect, it } from 'vitest'
import { createFileCheckpointStore } from '../src/checkpoint-store.ts'
import type { OutMessage } from '../src/delivery-loop.ts'
import type { SourceState } from '../src/source-report.ts'
import { createSourceRunner, type SourceReader, type SourceRunnerOptions } from '../src/source-runner.ts'

const cipher = createEnvelopeCipher({ key: generateKey(256) })
const encoder = createChangeEncoder({ cipher, format: 'seed' })
const rowOf = (m: OutMessage) => JSON.parse(cipher.openToString(m.value)) as Record<string, unknown>
const cleanups: Array<() => unknown> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const FILE = 'mysql-bin.000007'
const T0 = 1_700_000_000_000
const at = (pos: number): BinlogPosition => ({ file: FILE, pos })

/** One transaction: begin, one insert of `row` into shop.items, commit ending at `end`. */
function txn(from: number, end: number, row: RenderedRow, timestamp = T0): ReaderEvent[] {
  const position = at(from)
  return [
    { kind: 'begin', timestamp, position },
    {
      kind: 'insert',
      timestamp,
      position,
      database: 'shop',
      table: 'items',
      primaryKey: ['id'],
      columns: Object.keys(row),
      eventEnd: at(end - 10),
      rows: [row],
    },
    { kind: 'commit', timestamp, position, checkpoint: at(end) },
  ]
}

/**
 * A reader that hands out `events` and then waits; `pulls` counts what the runner took.
 * With `sync`, queued events are also offered through tryNext, as the binlog reader does.
 */
function scriptedReader(events: ReaderEvent[], startError?: Error, sync = false) {
  let stopped = false
  let waiting: ((r: IteratorResult<ReaderEvent>) => void) | undefined
  const self: { pulls: number; syncPulls: number; stopped(): boolean; reader: SourceReader } = {
    pulls: 0,
    syncPulls: 0,
    stopped: () => stopped,
    reader: {
      async start() {
        if (startError) throw startError
      },
      async stop() {
        stopped = true
        waiting?.({ done: true, value: undefined })
      },
      events: () => ({
        next(): Promise<IteratorResult<ReaderEvent>> {
          if (stopped) return Promise.resolve({ done: true, value: undefined })
          const value = events[self.pulls]
          if (value === undefined) return new Promise((r) => (waiting = r))
          self.pulls++
          return Promise.resolve({ done: false, value })
        },
      }),
      stats: (): { queuedEvents: number } => ({ queuedEvents: Math.max(0, events.length - self.pulls) }),
      ...(sync
        ? {
            tryNext(): ReaderEvent | undefined {
              const value = stopped ? undefined : events[self.pulls]
              if (value !== undefined) {
                self.pulls++
                self.syncPulls++
              }
              return value
            },
          }
        : {}),
    },
  }
  return self
}

function rules(unmapped: 'error' | 'drop') {
  const text = JSON.stringify({
    version: 2,
    name: 'items',
    match: { tables: 'shop.items' },
    target: { table: 'items', topic: 'items' },
    columns: { id: 'id' },
    unmapped,
  })
  return parseRuleSet([{ file: 'items.json', text }])
}

async function setUp(o: {
  readers: Array<ReturnType<typeof scriptedReader>>
  send?: (m: readonly OutMessage[]) => Promise<void>
  unmapped?: 'error' | 'drop'
  extra?: Partial<SourceRunnerOptions>
}) {
  const dir = await mkdtemp(join(tmpdir(), 'runner-'))
  cleanups.push(() => rm(dir, { recursive: true, force: true }))
  const store = createFileCheckpointStore(dir, 'rds1')
  const matcher = createTableMatcher(rules(o.unmapped ?? 'drop'))
  const sent: OutMessage[] = []
  const starts: StartPosition[] = []
  const states: Array<[SourceState, string]> = []
  const errors: string[] = []
  const warnings: Array<[string, Record<string, unknown> | undefined]> = []
  const log = {
    debug() {},
    info() {},
    warn: (msg: string, fields?: Record<string, unknown>) => void warnings.push([msg, fields]),
    error: (msg: string, fields?: Record<string, unknown>) => void warnings.push([msg, fields]),
  }
  let clock = T0
  const runner = createSourceRunner({
    id: 'rds1',
    reader: { connection: { host: 'unused', user: 'unused' }, serverId: 2 },
    start: at(4),
    matcher,
    encoder,
    send:
      o.send ??
      (async (m) => {
        sent.push(...m)
      }),
    store,
    batch: { maxMessages: 1000, maxBytes: 1 << 20 },
    checkpointIntervalMs: 0,
    log,
    now: () => clock,
    report: {
      state: (s, d) => void states.push([s, d]),
      error: (code) => void errors.push(code),
    },
    createReader(options: BinlogReaderOptions) {
      starts.push(options.start)
      const next = o.readers[starts.length - 1]
      if (!next) throw new Error(`no reader scripted for start #${starts.length}`)
      return next.reader
    },
    ...o.extra,
  })
  cleanups.push(() => runner.stop())
  const setClock = (ms: number) => {
    clock = ms
  }
  return { runner, matcher, store, sent, starts, states, errors, warnings, setClock }
}

const until = async (done: () => boolean, what: string, ms = 3000) => {
  const end = Date.now() + ms
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 2))
  }
}

describe('source runner', () => {
  it('retries a reader that cannot start with exponential backoff, capped, then streams', async () => {
    const refused = () => new BinlogError('BINLOG_CONNECTION', 'connect ECONNREFUSED 127.0.0.1:3306')
    const readers = [
      scriptedReader([], refused()),
      scriptedReader([], refused()),
      scriptedReader([], refused()),
      scriptedReader([], refused()),
      scriptedReader(txn(4, 100, { id: 1 })),
    ]
    const { runner, sent, starts, states, errors, warnings } = await setUp({
      readers,
      extra: { startRetry: { initialDelayMs: 10, maxDelayMs: 50 } },
    })
    const started = Date.now()
    void runner.run()
    await until(() => sent.length === 1, 'the row after the retries')
    expect(Date.now() - started).toBeGreaterThanOrEqual(10 + 20 + 40 + 50 - 5)
    expect(warnings.map(([, f]) => f?.delayMs)).toEqual([10, 20, 40, 50])
    expect(warnings.map(([, f]) => f?.attempt)).toEqual([1, 2, 3, 4])
    expect(errors).toEqual([
      'BINLOG_CONNECTION',
      'BINLOG_CONNECTION',
      'BINLOG_CONNECTION',
      'BINLOG_CONNECTION',
    ])
    expect(starts).toEqual([at(4), at(4), at(4), at(4), at(4)])
    expect(states[0]).toEqual(['starting', 'cannot connect: connect ECONNREFUSED 127.0.0.1:3306'])
    expect(states.at(-1)).toEqual(['running', 'streaming'])
    expect(readers.slice(0, 4).every((r) => r.stopped())).toBe(true) // each failed reader released
    expect(rowOf(sent[0]!)).toEqual({ id: 1, __op: 0 })
  })

  it('fails at once, without retrying, on an error that is not retriable', async () => {
    const purged = new BinlogError('BINLOG_PURGED', 'the binlog file mysql-bin.000001 is purged')
    const { runner, starts, errors } = await setUp({ readers: [scriptedReader([], purged)] })
    expect(await runner.run()).toBe('failed')
    expect(starts).toHaveLength(1)
    expect(errors).toEqual(['BINLOG_PURGED'])
    expect(runner.health()).toEqual({
      ok: false,
      detail: 'BINLOG_PURGED: the binlog file mysql-bin.000001 is purged',
    })
  })

  it.each([
    ['iterator', false],
    ['tryNext', true],
  ])(
    'blocks on a row it cannot map, ships nothing after it, and resumes from the last commit after a restart (events by %s)',
    async (_mode, sync) => {
      const first = scriptedReader(
        [
          ...txn(4, 100, { id: 1 }),
          ...txn(100, 200, { id: 2, surprise: 'x' }), // policy "error": TM_UNMAPPED_COLUMN
          ...txn(200, 300, { id: 3 }),
        ],
        undefined,
        sync,
      )
      const second = scriptedReader(
        [...txn(100, 200, { id: 2, surprise: 'x' }), ...txn(200, 300, { id: 3 })],
        undefined,
        sync,
      )
      const { runner, matcher, store, sent, starts, states, errors } = await setUp({
        readers: [first, second],
        unmapped: 'error',
      })
      void runner.run()
      await until(() => runner.state() === 'blocked', 'blocked')
      expect(states.at(-1)?.[1]).toMatch(/^a row cannot be mapped: .*"surprise"/)
      expect(errors).toEqual(['TM_UNMAPPED_COLUMN'])
      await new Promise((r) => setTimeout(r, 30))
      expect(first.pulls).toBe(5) // nothing pulled after the row that blocks
      expect(sent.map((m) => rowOf(m).id)).toEqual([1])
      expect(runner.health().ok).toBe(false)

      // the rule is fixed (a reload), and the source is told to restart
      matcher.replaceRules(rules('drop'))
      runner.requestRestart('rules reloaded')
      await until(() => sent.length === 3, 'rows after the restart')
      expect(starts).toEqual([at(4), at(100)]) // the commit before the blocked transaction
      expect(first.stopped()).toBe(true)
      expect(sent.map((m) => rowOf(m))).toEqual([
        { id: 1, __op: 0 },
        { id: 2, __op: 0 },
        { id: 3, __op: 0 },
      ])
      expect(runner.state()).toBe('running')

      await runner.stop()
      expect(runner.state()).toBe('stopped')
      expect(await store.load()).toMatchObject({ file: FILE, pos: 300 }) // final flush + checkpoint
      // with tryNext, queued events were taken without the iterator
      if (sync) expect(first.syncPulls + second.syncPulls).toBeGreaterThan(0)
    },
  )

  it.each([
    ['iterator', false],
    ['tryNext', true],
  ])(
    'stops pulling while the open batch is full and Kafka has not answered, and resumes after (events by %s)',
    async (_mode, sync) => {
      const events = Array.from({ length: 50 }, (_, i) => txn(4 + i * 10, 14 + i * 10, { id: i + 1 })).flat()
      const reader = scriptedReader(events, undefined, sync)
      const gates: Array<() => void> = []
      const sent: number[] = []
      const { runner } = await setUp({
        readers: [reader],
        send: (m) =>
          new Promise<void>((resolve) =>
            gates.push(() => {
              sent.push(...m.map((x) => rowOf(x).id as number))
              resolve()
            }),
          ),
        extra: { batch: { maxMessages: 4, maxBytes: 1 << 20 } },
      })
      void runner.run()
      await until(() => gates.length === 1, 'the first send')
      await new Promise((r) => setTimeout(r, 50))
      // 4 rows in flight and 4 in the full open batch: the last event pulled is row 8's insert
      const pulledWhileFull = reader.pulls
      expect(pulledWhileFull).toBe(3 * 7 + 2)
      await new Promise((r) => setTimeout(r, 50))
      expect(reader.pulls).toBe(pulledWhileFull)

      // Kafka answers: the runner pulls again until everything is delivered, in order
      while (sent.length < 50) {
        await until(() => gates.length > 0, 'a send')
        gates.shift()?.()
      }
      expect(sent).toEqual(Array.from({ length: 50 }, (_, i) => i + 1))
      expect(reader.pulls).toBe(150)
      expect(reader.syncPulls).toBe(sync ? 150 : 0)
    },
  )

  it('reports seconds behind from the last acknowledged transaction, and 0 once idle', async () => {
    const reader = scriptedReader(txn(4, 100, { id: 1 }, T0 - 7000))
    let release: () => void = () => {}
    const { runner, setClock } = await setUp({
      readers: [reader],
      send: () => new Promise<void>((r) => (release = r)),
    })
    setClock(T0)
    expect(runner.secondsBehind()).toBe(0)
    void runner.run()
    await until(() => reader.pulls === 3, 'the transaction pulled')
    expect(runner.secondsBehind()).toBe(7) // pulled at T0 - 7 s, not yet acknowledged
    setClock(T0 + 2500)
    expect(runner.secondsBehind()).toBe(9.5)
    release()
    await until(() => runner.checkpoint() !== undefined, 'the checkpoint')
    expect(runner.secondsBehind()).toBe(0)
  })

  it('names a bad option', () => {
    const fns = { send: async () => {}, now: () => 0 }
    expect(() =>
      createSourceRunner({ id: 'x', ...fns, startRetry: { initialDelayMs: -1, maxDelayMs: 5 } } as never),
    ).toThrow(
      expect.objectContaining({
        code: 'DELIVERY_OPTIONS',
        message:
          'options.startRetry must be { initialDelayMs, maxDelayMs } with integers >= 0, received an object with keys [initialDelayMs, maxDelayMs]',
      }),
    )
    expect(() => createSourceRunner({ id: 'x', now: () => 0 } as never)).toThrow(
      'options.send must be a function, received nothing',
    )
    expect(() => createSourceRunner({ id: 'x', sendd: () => {} } as never)).toThrow(
      'createSourceRunner: unknown option "sendd"',
    )
  })
})
