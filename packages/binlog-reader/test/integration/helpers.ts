// Shared wiring for the integration tests: a reader on the stack's replication account,
// filtered to one test database, with its own serverId.
import { mysqlOptions, registerCleanup } from '@sync/test-kit'
import {
  type BinlogReader,
  type BinlogReaderOptions,
  createBinlogReader,
  type ReaderEvent,
  type RenderedRow,
} from '../../src/index.ts'

export function uniqueServerId(): number {
  return 1000 + Math.floor(Math.random() * 999_000)
}

export function replConnection(): BinlogReaderOptions['connection'] {
  const o = mysqlOptions('repl')
  return {
    host: o.host as string,
    port: o.port as number,
    user: o.user as string,
    password: o.password as string,
  }
}

export function openReader(database: string, overrides: Partial<BinlogReaderOptions> = {}): BinlogReader {
  const reader = createBinlogReader({
    connection: replConnection(),
    serverId: uniqueServerId(),
    start: 'now',
    tables: { [database]: true },
    heartbeatMs: 1000,
    // other suites write to the shared server: their transactions would show up here as
    // empty commits, so they are held back beyond any test's length
    emptyCommitIntervalMs: 600_000,
    ...overrides,
  })
  registerCleanup(() => reader.stop())
  return reader
}

/** Pulls events until `done(events)` holds, or fails after the timeout naming what was seen. */
export async function collectUntil(
  reader: AsyncIterable<ReaderEvent>,
  done: (events: ReaderEvent[]) => boolean,
  timeoutMs = 20_000,
  what = 'the expected events',
): Promise<ReaderEvent[]> {
  const events: ReaderEvent[] = []
  const it = reader[Symbol.asyncIterator]()
  const deadline = Date.now() + timeoutMs
  while (!done(events)) {
    const left = deadline - Date.now()
    if (left <= 0) throw new Error(`timed out waiting for ${what}; saw ${summary(events)}`)
    let timer: ReturnType<typeof setTimeout> | undefined
    const r = await Promise.race([
      it.next(),
      new Promise<'timeout'>((res) => {
        timer = setTimeout(() => res('timeout'), left)
      }),
    ])
    clearTimeout(timer)
    if (r === 'timeout') throw new Error(`timed out waiting for ${what}; saw ${summary(events)}`)
    if (r.done) throw new Error(`stream ended while waiting for ${what}; saw ${summary(events)}`)
    events.push(r.value)
  }
  return events
}

export function summary(events: ReaderEvent[]): string {
  return events.map((e) => e.kind).join(',') || '(nothing)'
}

export function rowsOf(events: ReaderEvent[], kind: 'insert' | 'delete' = 'insert'): RenderedRow[] {
  return events.flatMap((e) => (e.kind === kind ? e.rows : []))
}

export function updatesOf(events: ReaderEvent[]): Array<{ before: RenderedRow; after: RenderedRow }> {
  return events.flatMap((e) => (e.kind === 'update' ? e.rows : []))
}

export function commits(events: ReaderEvent[]): number {
  return events.filter((e) => e.kind === 'commit').length
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

/**
 * At-least-once with exactly one reconnect: checks that `events` hold every row of
 * `transactions` (ids in commit order, each transaction's ids in row order), that the rows
 * before the reconnect are the transactions committed before it plus a prefix of the next
 * one, and that the rows after it are that next transaction in full and everything after,
 * each once. So nothing is lost and only the transaction in flight is repeated.
 */
export function expectReplayOfInFlightOnly(
  events: ReaderEvent[],
  transactions: number[][],
): { inFlight: number; prefix: number } {
  const at = events.findIndex((e) => e.kind === 'reconnect')
  if (at < 0) throw new Error(`no reconnect event; saw ${summary(events)}`)
  if (events.slice(at + 1).some((e) => e.kind === 'reconnect')) throw new Error('more than one reconnect')
  const before = rowsOf(events.slice(0, at)).map((r) => r.id as number)
  const after = rowsOf(events.slice(at + 1)).map((r) => r.id as number)
  const inFlight = commits(events.slice(0, at))
  const done = transactions.slice(0, inFlight).flat()
  const current = transactions[inFlight] ?? []
  const prefix = before.length - done.length
  if (prefix < 0 || prefix >= Math.max(1, current.length)) {
    throw new Error(`${before.length} rows before the reconnect do not end inside transaction ${inFlight}`)
  }
  const expectBefore = [...done, ...current.slice(0, prefix)]
  const expectAfter = transactions.slice(inFlight).flat()
  const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i])
  if (!same(before, expectBefore))
    throw new Error('the rows before the reconnect are not the committed ones in order')
  if (!same(after, expectAfter)) {
    const first = after.findIndex((v, i) => v !== expectAfter[i])
    throw new Error(
      `after the reconnect expected ${expectAfter.length} rows from id ${expectAfter[0]} (transaction ${inFlight}); ` +
        `got ${after.length}, first difference at index ${first}: ${after[first]} vs ${expectAfter[first]}`,
    )
  }
  return { inFlight, prefix }
}
