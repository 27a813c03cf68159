// The demo's source: modelled on the seed's estate. Order tables sharded by month and by
// organisation and month, a user table with camelCase columns, and a table that must not
// be captured. Rules are written in the rich format; the month rule merges shards into one
// warehouse table keyed by (table_name, id).

export interface Scenario {
  database: string
  /** StarRocks database (in the emulator: a MariaDB database of that name). */
  targetDatabase: string
  topicPrefix: string
}

export const monthShards = ['order_202401', 'order_202402', 'order_202403'] as const
export const orgShards = ['order_org1_202401', 'order_org2_202401'] as const
/** Created while the pipeline runs: a new organisation appears. */
export const lateOrgShard = 'order_org3_202402'
export const userTable = 'userInfo'
export const ignoredTable = 'audit_log'

export function orderTableDdl(table: string): string {
  return `CREATE TABLE \`${table}\` (
  Id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  OrderNo VARCHAR(32) NOT NULL,
  orgId INT NOT NULL,
  Amount DECIMAL(14,4) NOT NULL,
  Status ENUM('new','paid','shipped','cancelled') NOT NULL DEFAULT 'new',
  Remark VARCHAR(200) NULL,
  createTime DATETIME(3) NOT NULL,
  updateTime TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`
}

export const userTableDdl = `CREATE TABLE \`${userTable}\` (
  userId INT NOT NULL PRIMARY KEY,
  UserName VARCHAR(64) NOT NULL,
  HTTPStatus SMALLINT NULL,
  emailAddr VARCHAR(128) NULL,
  Balance DECIMAL(20,6) NOT NULL DEFAULT 0,
  BigCounter BIGINT UNSIGNED NOT NULL DEFAULT 0,
  profileJSON JSON NULL,
  createdAt DATETIME NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`

export const ignoredTableDdl = `CREATE TABLE \`${ignoredTable}\` (
  id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, note VARCHAR(64)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`

/**
 * The rule `ops-cli gen --table userInfo` writes for the non-sharded user table: a seed-format
 * rule keyed "<database>.<table>" (its name), in a file of that name.
 */
export const userRuleName = (s: Scenario) => `${s.database}.${userTable}`

/**
 * The rules of the sharded order targets. They are what a user writes (which shards merge
 * into which warehouse table, capture groups, key composition) and `ops-cli gen --rules`
 * reads them; the user table's rule is generated instead (pipeline.ts).
 */
export function ruleFiles(s: Scenario): Array<{ file: string; text: string }> {
  const db = s.database.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  const rules = [
    {
      version: 2,
      name: 'orders_by_month',
      match: { database: db, table: 'order_(?<period>\\d{6})' },
      target: {
        table: 'ods_order',
        topic: `${s.topicPrefix}.stream.{target}`,
        batch_topic: `${s.topicPrefix}.batch.{target}`,
      },
      columns: { Id: 'id' },
      unmapped: 'snake_case',
      capture_columns: false,
      primary_key: { columns: ['id'], compose: 'table' },
    },
    {
      version: 2,
      name: 'orders_by_org_month',
      match: { database: db, table: 'order_org(?<org_id>\\d+)_(?<period>\\d{6})' },
      target: {
        table: 'ods_order_org',
        topic: `${s.topicPrefix}.stream.{target}`,
        batch_topic: `${s.topicPrefix}.batch.{target}`,
      },
      columns: { Id: 'id', orgId: 'source_org_id' },
      unmapped: 'snake_case',
      primary_key: { columns: ['id'], compose: 'captures' },
    },
  ]
  return rules.map((r) => ({ file: `${r.name}.json`, text: `${JSON.stringify(r, null, 2)}\n` }))
}

/** A small deterministic generator, so a seed reproduces a workload. */
export function createRandom(seed: number) {
  let x = seed >>> 0 || 1
  const next = () => {
    x ^= x << 13
    x ^= x >>> 17
    x ^= x << 5
    return (x >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
  }
}

const remarks = ['加急', 'gift wrap 🎁', 'café', null, '普通订单', "it's fine", 'ok']
const statuses = ['new', 'paid', 'shipped', 'cancelled']

function orderValues(r: ReturnType<typeof createRandom>, n: number): string {
  const rows: string[] = []
  for (let i = 0; i < n; i++) {
    const remark = r.pick(remarks)
    rows.push(
      `('NO${r.int(100000, 999999)}', ${r.int(1, 50)}, ${r.int(0, 99999999)}.${String(r.int(0, 9999)).padStart(4, '0')}, '${r.pick(statuses)}', ${
        remark === null ? 'NULL' : `'${remark.replace(/'/g, "''")}'`
      }, '2024-0${r.int(1, 3)}-${String(r.int(10, 28))} ${String(r.int(10, 23))}:${String(r.int(10, 59))}:${String(r.int(10, 59))}.${r.int(100, 999)}')`,
    )
  }
  return rows.join(',\n')
}

/** SQL that creates the source and loads its initial rows. */
export function initialLoad(s: Scenario, rowsPerTable: number, seed = 1): string[] {
  const r = createRandom(seed)
  const out = [
    `DROP DATABASE IF EXISTS \`${s.database}\``,
    `CREATE DATABASE \`${s.database}\` CHARACTER SET utf8mb4`,
    `USE \`${s.database}\``,
  ]
  for (const t of [...monthShards, ...orgShards]) {
    out.push(orderTableDdl(t))
    for (let done = 0; done < rowsPerTable; done += 1000) {
      out.push(
        `INSERT INTO \`${t}\` (OrderNo, orgId, Amount, Status, Remark, createTime) VALUES ${orderValues(r, Math.min(1000, rowsPerTable - done))}`,
      )
    }
  }
  out.push(userTableDdl)
  const users: string[] = []
  for (let i = 1; i <= Math.max(10, Math.floor(rowsPerTable / 10)); i++) {
    users.push(
      `(${i}, 'user${i}', ${r.pick(['200', '404', 'NULL'])}, ${i % 3 ? `'u${i}@example.com'` : 'NULL'}, ${r.int(0, 1e6)}.${r.int(0, 999999)}, ${
        i === 1 ? '18446744073709551615' : r.int(0, 1e9)
      }, '{"tags":["a","中"],"level":${r.int(1, 9)}}', '2023-12-${String(r.int(10, 28))} 08:00:00')`,
    )
  }
  out.push(`INSERT INTO \`${userTable}\` VALUES ${users.join(',\n')}`)
  out.push(
    ignoredTableDdl,
    `INSERT INTO \`${ignoredTable}\` (note) VALUES ('not captured'), ('never shipped')`,
  )
  return out
}

/**
 * One step of the live workload: a small transaction of inserts, updates (some change the
 * primary key), and deletes on a random captured table.
 */
export function workloadStep(
  s: Scenario,
  r: ReturnType<typeof createRandom>,
  tables: readonly string[],
): string[] {
  const t = `\`${s.database}\`.\`${r.pick(tables)}\``
  const roll = r.next()
  if (roll < 0.45) {
    return [
      `INSERT INTO ${t} (OrderNo, orgId, Amount, Status, Remark, createTime) VALUES ${orderValues(r, r.int(1, 20))}`,
    ]
  }
  if (roll < 0.75) {
    return [
      `UPDATE ${t} SET Status = '${r.pick(statuses)}', Amount = Amount + 1.0001 ORDER BY RAND(${r.int(1, 1e6)}) LIMIT ${r.int(1, 10)}`,
    ]
  }
  if (roll < 0.85) {
    // a primary-key change: a row moves to a fresh id, above every id, so no later insert
    // or move can collide with it
    return [
      `BEGIN; SELECT MAX(Id) + 1 INTO @fresh FROM ${t}; UPDATE ${t} SET Id = @fresh ORDER BY RAND(${r.int(1, 1e6)}) LIMIT 1; COMMIT`,
    ]
  }
  return [`DELETE FROM ${t} ORDER BY RAND(${r.int(1, 1e6)}) LIMIT ${r.int(1, 5)}`]
}
