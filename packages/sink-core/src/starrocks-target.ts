// StarRocks target: one Stream Load per (batch, table). The body is the rows' own JSON text
// joined into an array, never re-serialised, so DECIMAL strings and 64-bit integers arrive
// exactly as the source rendered them. `columns` and `jsonpaths` come from the target
// table's columns plus `__op` (0 upsert, 1 delete).
import {
  buildColumnsHeader,
  buildJsonPaths,
  isStreamLoadError,
  type StreamLoadClient,
} from '@sync/streamload-client'
import { loadIsolating } from './row-isolation.ts'
import type { SchemaReader } from './table-schema.ts'
import type { BufferedRow, LoadTarget } from './types.ts'

export interface StarRocksTargetOptions {
  client: StreamLoadClient
  schemas: SchemaReader
  onSplit?: (table: string, label: string, rows: number) => void
}

/** The first "Error: … Row: …" line of a BE error log, or the server's message. */
export function refusalMessage(err: { errorLog?: string; serverMessage?: string; message: string }): string {
  const line = err.errorLog?.split('\n').find((l) => l.trim() !== '')
  return (line ?? err.serverMessage ?? err.message).slice(0, 500)
}

export function createStarRocksTarget(options: StarRocksTargetOptions): LoadTarget {
  const { client, schemas } = options
  return {
    kind: 'starrocks',
    async load(table, label, rows) {
      const { columns } = await schemas.schema(table)
      const names = columns.filter((c) => c !== '__op')
      const headers = {
        columns: buildColumnsHeader(names, { withOp: true }),
        jsonpaths: buildJsonPaths(names, { withOp: true }),
      }
      let bytes = 0
      const attempt = async (part: readonly BufferedRow[], partLabel: string) => {
        const body = `[${part.map((r) => r.rowJson).join(',')}]`
        // strict mode: a value that does not fit is a filtered row (dead-lettered), never a silent NULL
        const r = await client.load({ table, label: partLabel, body, strictMode: true, ...headers })
        // Label Already Exists: applied before (same rows, same label); count it as loaded
        bytes += Buffer.byteLength(body)
        return r.status === 'Label Already Exists' ? part.length : r.loadedRows
      }
      const result = await loadIsolating(
        rows,
        label,
        attempt,
        (err) =>
          isStreamLoadError(err) && (err.code === 'SL_FILTERED_ROWS' || err.code === 'SL_BAD_DATA')
            ? { code: err.code, message: refusalMessage(err) }
            : undefined,
        (l, n) => options.onSplit?.(table, l, n),
      )
      return {
        loadedRows: result.loaded,
        loadedBytes: bytes,
        rejected: result.rejected.map(({ row, code, message }) => ({
          origin: row.origin,
          code,
          message,
          table,
        })),
      }
    },
    close: () => client.close(),
  }
}
