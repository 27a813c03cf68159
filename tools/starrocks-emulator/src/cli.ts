// Starts the emulator standalone: `tsx src/cli.ts [--fe-port 8030] [--be-ports 8040,8041]
// [--prefix sr_] [--user root:] [--grant user=db.table,db2.*] [--flavour starrocks|doris]
// [--ddl file.sql --database db]`.
// MariaDB settings come from MYSQL_HOST/MYSQL_PORT/MYSQL_USER/MYSQL_PASSWORD, else the local stack.
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { splitTopLevel } from './ddl.ts'
import { startStarRocksEmulator } from './emulator.ts'

const { values } = parseArgs({
  options: {
    'fe-port': { type: 'string', default: '8030' },
    'be-ports': { type: 'string', default: '8040' },
    host: { type: 'string', default: '127.0.0.1' },
    prefix: { type: 'string', default: '' },
    user: { type: 'string', multiple: true },
    grant: { type: 'string', multiple: true },
    flavour: { type: 'string', default: 'starrocks' },
    ddl: { type: 'string', multiple: true },
    database: { type: 'string' },
  },
})

const env = process.env
const mysql = env.MYSQL_HOST
  ? {
      host: env.MYSQL_HOST,
      port: Number(env.MYSQL_PORT ?? 3306),
      user: env.MYSQL_USER ?? 'root',
      password: env.MYSQL_PASSWORD ?? '',
    }
  : (await import('@sync/stack')).readStackEnv().mysql
// --grant user=db.table,db2.* (repeatable): that user may INSERT only there
const grants: Record<string, string[]> = {}
for (const g of values.grant ?? []) {
  const eq = g.indexOf('=')
  if (eq <= 0) throw new Error(`--grant must be user=db.table[,db.*], received ${g}`)
  const user = g.slice(0, eq)
  grants[user] = [
    ...(grants[user] ?? []),
    ...g
      .slice(eq + 1)
      .split(',')
      .filter(Boolean),
  ]
}
const emulator = await startStarRocksEmulator({
  mysql: { host: mysql.host, port: mysql.port, user: mysql.user, password: mysql.password },
  host: values.host,
  fePort: Number(values['fe-port']),
  bePorts: values['be-ports'].split(',').map(Number),
  databasePrefix: values.prefix,
  flavour: values.flavour as 'starrocks' | 'doris',
  users: Object.fromEntries(
    (values.user ?? ['root:']).map((u) => [u.slice(0, u.indexOf(':')), u.slice(u.indexOf(':') + 1)]),
  ),
  grants,
})
for (const file of values.ddl ?? []) {
  const text = await readFile(file, 'utf8')
  for (const stmt of splitTopLevel(text, ';').filter((s) => /^\s*CREATE\s+TABLE/i.test(s))) {
    const t = await emulator.createTableFromDdl(stmt, values.database)
    console.log(`created ${t.database}.${t.name}`)
  }
}
console.log(JSON.stringify({ feUrl: emulator.feUrl, beUrls: emulator.beUrls }))
const stop = () => {
  emulator.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  )
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
