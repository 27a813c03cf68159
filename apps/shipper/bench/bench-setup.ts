// Rule and checkpoint directories for a benchmark run.

import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface BenchDirs {
  rules: string
  checkpoints: string
}

/** A rich rule capturing `<db>.<tablePattern>` into `topic`, snake_case for unmapped columns. */
export async function benchRules(
  db: string,
  tablePattern: string,
  topic: string,
  tableName = false,
): Promise<BenchDirs> {
  const rules = await mkdtemp(join(tmpdir(), 'bench-rules-'))
  const checkpoints = await mkdtemp(join(tmpdir(), 'bench-cp-'))
  await writeFile(
    join(rules, 'bench.json'),
    JSON.stringify({
      version: 2,
      name: 'bench',
      match: { database: db, table: tablePattern },
      target: { table: 'bench', topic },
      primary_key: ['id'],
      ...(tableName ? { table_name_column: true, primary_key: { columns: ['id'], compose: 'table' } } : {}),
    }),
  )
  return { rules, checkpoints }
}

export async function cleanupDirs(dirs: BenchDirs): Promise<void> {
  await rm(dirs.rules, { recursive: true, force: true })
  await rm(dirs.checkpoints, { recursive: true, force: true })
}
