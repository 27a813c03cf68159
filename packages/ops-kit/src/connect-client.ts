// Kafka Connect REST API client (the calls of the seed's KafkaConnectAll and rest.sh).
// Endpoints: https://kafka.apache.org/documentation/#connect_rest
import { OpsKitError } from './errors.ts'

export interface ConnectorStatus {
  name: string
  connector: { state: string; worker_id?: string; trace?: string }
  tasks: Array<{ id: number; state: string; worker_id?: string; trace?: string }>
  type?: string
}

export interface ConnectorInfo {
  name: string
  config: Record<string, string>
  tasks: Array<{ connector: string; task: number }>
  type?: string
}

export interface ConnectClient {
  list(): Promise<string[]>
  statuses(): Promise<Record<string, ConnectorStatus>>
  info(name: string): Promise<ConnectorInfo>
  status(name: string): Promise<ConnectorStatus>
  config(name: string): Promise<Record<string, string>>
  create(body: { name: string; config: Record<string, string> }): Promise<ConnectorInfo>
  updateConfig(name: string, config: Record<string, string>): Promise<ConnectorInfo>
  pause(name: string): Promise<void>
  resume(name: string): Promise<void>
  restart(name: string, options?: { includeTasks?: boolean; onlyFailed?: boolean }): Promise<void>
  restartTask(name: string, task: number): Promise<void>
  remove(name: string): Promise<void>
  tasks(
    name: string,
  ): Promise<Array<{ id: { connector: string; task: number }; config: Record<string, string> }>>
  taskStatus(name: string, task: number): Promise<ConnectorStatus['tasks'][number]>
}

export interface ConnectClientOptions {
  /** Per-request timeout; default 30 s. */
  timeoutMs?: number
}

/**
 * A client of one Kafka Connect worker's REST API. A network failure throws OPSKIT_UNREACHABLE
 * (the network error as `cause`); an HTTP error status throws OPSKIT_NOT_FOUND (404),
 * OPSKIT_AUTH (401/403) or OPSKIT_REMOTE, with the worker's own message.
 */
export function createConnectClient(baseUrl: string, options: ConnectClientOptions = {}): ConnectClient {
  const target = `Kafka Connect at ${baseUrl}`
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let res: Response
    try {
      res = await fetch(baseUrl + path, {
        method,
        headers: {
          Accept: 'application/json',
          ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      })
    } catch (err) {
      throw new OpsKitError('OPSKIT_UNREACHABLE', `cannot reach ${target}`, { cause: err, target })
    }
    const text = await res.text()
    let json: unknown
    try {
      json = text === '' ? undefined : JSON.parse(text)
    } catch {
      json = undefined
    }
    if (!res.ok) {
      const remote =
        (json as { message?: string } | undefined)?.message ?? (text.slice(0, 200) || res.statusText)
      const code =
        res.status === 404
          ? 'OPSKIT_NOT_FOUND'
          : res.status === 401 || res.status === 403
            ? 'OPSKIT_AUTH'
            : 'OPSKIT_REMOTE'
      throw new OpsKitError(code, `${target} answered ${res.status} to ${method} ${path}: ${remote}`, {
        retriable: res.status >= 500 || res.status === 409,
        target,
        httpStatus: res.status,
      })
    }
    return json as T
  }
  const c = (name: string) => `/connectors/${encodeURIComponent(name)}`
  return {
    list: () => call('GET', '/connectors'),
    statuses: async () => {
      const expanded = await call<Record<string, { status: ConnectorStatus }>>(
        'GET',
        '/connectors?expand=status',
      )
      return Object.fromEntries(Object.entries(expanded).map(([k, v]) => [k, v.status]))
    },
    info: (name) => call('GET', c(name)),
    status: (name) => call('GET', `${c(name)}/status`),
    config: (name) => call('GET', `${c(name)}/config`),
    create: (body) => call('POST', '/connectors', body),
    updateConfig: (name, config) => call('PUT', `${c(name)}/config`, config),
    pause: (name) => call('PUT', `${c(name)}/pause`),
    resume: (name) => call('PUT', `${c(name)}/resume`),
    restart: (name, o = {}) => {
      const q = new URLSearchParams()
      if (o.includeTasks) q.set('includeTasks', 'true')
      if (o.onlyFailed) q.set('onlyFailed', 'true')
      return call('POST', `${c(name)}/restart${q.size > 0 ? `?${q}` : ''}`)
    },
    restartTask: (name, task) => call('POST', `${c(name)}/tasks/${task}/restart`),
    remove: (name) => call('DELETE', c(name)),
    tasks: (name) => call('GET', `${c(name)}/tasks`),
    taskStatus: (name, task) => call('GET', `${c(name)}/tasks/${task}/status`),
  }
}

const secretKey = /password|secret|key$|token|credential/i

/** A config with secret-looking values masked (the REST API returns them in clear). */
export function maskConfig(config: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(config).map(([k, v]) => [
      k,
      secretKey.test(k) && !/converter/.test(k) && v !== '' ? '[hidden]' : v,
    ]),
  )
}

/** Kafka Connect's state of a connector or task that needs an operator: FAILED. */
export const isFailedState = (state: string): boolean => state === 'FAILED'

/**
 * Whether a connector needs an operator: the connector or any of its tasks is FAILED.
 * PAUSED, UNASSIGNED and RESTARTING are not failures (an operator's choice, or transient).
 */
export function isConnectorFailed(status: Pick<ConnectorStatus, 'connector' | 'tasks'>): boolean {
  return isFailedState(status.connector.state) || status.tasks.some((t) => isFailedState(t.state))
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

function parseObject(text: string, source: string): Record<string, unknown> {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new OpsKitError('OPSKIT_INPUT', `${source} is not a JSON object: ${(err as Error).message}`)
  }
  if (!isObject(json)) throw new OpsKitError('OPSKIT_INPUT', `${source} is not a JSON object`)
  return json
}

// The REST API takes string values only; a file written by hand may hold numbers or booleans
// ("tasks.max": 2), which the worker would reject.
function stringConfig(value: unknown, source: string): Record<string, string> {
  if (!isObject(value)) throw new OpsKitError('OPSKIT_INPUT', `${source} must hold a "config" object`)
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  )
}

/**
 * A connector file as `gen` writes it and `rest.sh` posts it, `{ "name", "config" }`, as the
 * body of `create`: config values become strings. `source` names the file in errors.
 */
export function parseConnectorFile(
  text: string,
  source: string,
): { name: string; config: Record<string, string> } {
  const body = parseObject(text, source)
  if (typeof body.name !== 'string' || body.name === '')
    throw new OpsKitError('OPSKIT_INPUT', `${source} needs a "name"`)
  return { name: body.name, config: stringConfig(body.config, source) }
}

/** The body of `updateConfig`: a config object, or a connector file (its `config`). */
export function parseConnectorConfig(text: string, source: string): Record<string, string> {
  const body = parseObject(text, source)
  return stringConfig('config' in body ? body.config : body, source)
}
