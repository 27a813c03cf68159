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
