import {
  type ConnectClient,
  createConnectClient,
  isConnectorFailed,
  isFailedState,
  maskConfig,
  parseConnectorConfig,
  parseConnectorFile,
} from '@sync/ops-kit'
import type { Command, CommandContext } from '../cli/command.ts'
import { bool, parseIntIn } from '../cli/flags.ts'
import { connectUrl, loadSettings, readTextFile } from '../config.ts'
import { exitCodes, usageError } from '../errors.ts'

const actions = [
  'list',
  'status',
  'config',
  'create',
  'update',
  'pause',
  'resume',
  'restart',
  'restart-task',
  'delete',
  'tasks',
  'task-status',
] as const
type Action = (typeof actions)[number]

/** The text of FILE, @FILE (as in rest.sh) or - (stdin), and the name errors give it. */
async function readBody(source: string, ctx: CommandContext): Promise<{ text: string; name: string }> {
  const path = source.startsWith('@') ? source.slice(1) : source
  if (path === '-') return { text: await ctx.stdinText(), name: 'stdin' }
  return { text: readTextFile(path, 'connector file'), name: path }
}

const need = (args: string[], n: number, what: string) => {
  if (args.length < n) throw usageError(`missing ${what}`)
  if (args.length > n) throw usageError(`unexpected argument ${JSON.stringify(args[n])}`)
}

export const connectCommand: Command = {
  name: 'connect',
  summary:
    'Kafka Connect REST operations: list, status, create, update, pause, resume, restart, delete, tasks',
  usage: [
    'connect list [--status]',
    'connect status|config|tasks|pause|resume|delete NAME',
    'connect restart NAME [--include-tasks] [--only-failed]',
    'connect restart-task|task-status NAME TASK',
    'connect create FILE|@FILE|-          (FILE holds {"name":…,"config":{…}}, as `gen` writes it)',
    'connect update NAME FILE|@FILE|-     (FILE holds the config object, or {"name":…,"config":{…}})',
  ],
  details: [
    'The Kafka Connect URL comes from --url or KAFKA_CONNECT_URL. Config values whose name looks',
    'secret (password, secret, token, *key) are shown as [hidden] unless --show-secrets.',
  ],
  options: {
    url: { type: 'string' },
    status: { type: 'boolean' },
    'include-tasks': { type: 'boolean' },
    'only-failed': { type: 'boolean' },
    'show-secrets': { type: 'boolean' },
  },
  optionHelp: {
    url: 'Kafka Connect REST URL, e.g. http://connect:8083 (env KAFKA_CONNECT_URL)',
    status: "list: with connector and task states (the seed's `rest.sh showall`)",
    'include-tasks': 'restart: the tasks too',
    'only-failed': 'restart: only failed instances',
    'show-secrets': 'print secret-looking config values in clear',
  },
  examples: [
    'sync-ops connect list --status --url http://connect:8083',
    'sync-ops connect status orders-connect',
    'sync-ops connect create ./generated/sync_stream.ods_orders-connect.json',
    'sync-ops connect restart-task orders-connect 0',
    'sync-ops connect config orders-connect --json | jq .',
  ],
  async run({ values, positionals }, ctx) {
    const [action, ...args] = positionals
    if (!(actions as readonly string[]).includes(action ?? '')) {
      throw usageError(
        `connect needs an action: ${actions.join(', ')}${action ? `, received ${JSON.stringify(action)}` : ''}`,
      )
    }
    const client = createConnectClient(connectUrl(loadSettings(values, ctx.env)))
    return run(action as Action, args, client, ctx, {
      json: bool(values, 'json'),
      withStatus: bool(values, 'status'),
      includeTasks: bool(values, 'include-tasks'),
      onlyFailed: bool(values, 'only-failed'),
      showSecrets: bool(values, 'show-secrets'),
    })
  },
}

interface Flags {
  json: boolean
  withStatus: boolean
  includeTasks: boolean
  onlyFailed: boolean
  showSecrets: boolean
}

async function run(action: Action, args: string[], client: ConnectClient, ctx: CommandContext, f: Flags) {
  const { out } = ctx
  const conf = (c: Record<string, string>) => (f.showSecrets ? c : maskConfig(c))
  const done = (what: string, name: string) => {
    if (f.json) out.json({ ok: true, action: what, connector: name })
    else out.line(`${name}: ${what}`)
    return exitCodes.ok
  }
  switch (action) {
    case 'list': {
      need(args, 0, '')
      if (!f.withStatus) {
        const names = (await client.list()).sort()
        if (f.json) out.json(names)
        else for (const n of names) out.line(n)
        return exitCodes.ok
      }
      const statuses = await client.statuses()
      const rows = Object.entries(statuses)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, s]) => ({
          name,
          type: s.type,
          state: s.connector.state,
          tasks: s.tasks.map((t) => `${t.id}:${t.state}`).join(' '),
        }))
      if (f.json) out.json(statuses)
      else out.table(rows, ['name', 'type', 'state', 'tasks'])
      return Object.values(statuses).some(isConnectorFailed) ? exitCodes.checkFailed : exitCodes.ok
    }
    case 'status': {
      need(args, 1, 'connector name')
      const s = await client.status(args[0]!)
      if (f.json) out.json(s)
      else {
        out.line(
          `connector ${s.name}: ${s.connector.state}${s.connector.worker_id ? ` on ${s.connector.worker_id}` : ''}`,
        )
        out.table(
          s.tasks.map((t) => ({
            task: t.id,
            state: t.state,
            worker: t.worker_id,
            trace: t.trace?.split('\n')[0],
          })),
          ['task', 'state', 'worker', 'trace'],
        )
      }
      return isConnectorFailed(s) ? exitCodes.checkFailed : exitCodes.ok
    }
    case 'config': {
      need(args, 1, 'connector name')
      const c = conf(await client.config(args[0]!))
      if (f.json) out.json(c)
      else
        out.table(
          Object.entries(c).map(([key, value]) => ({ key, value })),
          ['key', 'value'],
        )
      return exitCodes.ok
    }
    case 'tasks': {
      need(args, 1, 'connector name')
      const tasks = await client.tasks(args[0]!)
      if (f.json) out.json(tasks.map((t) => ({ ...t, config: conf(t.config) })))
      else
        out.table(
          tasks.map((t) => ({ task: t.id.task, class: t.config['task.class'] })),
          ['task', 'class'],
        )
      return exitCodes.ok
    }
    case 'task-status': {
      need(args, 2, 'connector name and task id')
      const t = await client.taskStatus(args[0]!, parseIntIn(args[1]!, 'TASK', { min: 0 }))
      if (f.json) out.json(t)
      else
        out.table(
          [{ task: t.id, state: t.state, worker: t.worker_id, trace: t.trace?.split('\n')[0] }],
          ['task', 'state', 'worker', 'trace'],
        )
      return isFailedState(t.state) ? exitCodes.checkFailed : exitCodes.ok
    }
    case 'create': {
      need(args, 1, 'connector file')
      const { text, name } = await readBody(args[0]!, ctx)
      const info = await client.create(parseConnectorFile(text, name))
      if (f.json) out.json({ ...info, config: conf(info.config) })
      else out.line(`${info.name}: created`)
      return exitCodes.ok
    }
    case 'update': {
      need(args, 2, 'connector name and config file')
      const { text, name } = await readBody(args[1]!, ctx)
      const info = await client.updateConfig(args[0]!, parseConnectorConfig(text, name))
      if (f.json) out.json({ ...info, config: conf(info.config) })
      else out.line(`${info.name}: config updated`)
      return exitCodes.ok
    }
    case 'pause':
      need(args, 1, 'connector name')
      await client.pause(args[0]!)
      return done('paused', args[0]!)
    case 'resume':
      need(args, 1, 'connector name')
      await client.resume(args[0]!)
      return done('resumed', args[0]!)
    case 'restart':
      need(args, 1, 'connector name')
      await client.restart(args[0]!, { includeTasks: f.includeTasks, onlyFailed: f.onlyFailed })
      return done('restarted', args[0]!)
    case 'restart-task': {
      need(args, 2, 'connector name and task id')
      const task = parseIntIn(args[1]!, 'TASK', { min: 0 })
      await client.restartTask(args[0]!, task)
      return done(`task ${task} restarted`, args[0]!)
    }
    case 'delete':
      need(args, 1, 'connector name')
      await client.remove(args[0]!)
      return done('deleted', args[0]!)
  }
}
