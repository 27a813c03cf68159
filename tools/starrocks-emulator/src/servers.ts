// The FE and BE HTTP endpoints (§9). Requests carrying `Expect: 100-continue` arrive through
// 'checkContinue', so the emulator decides whether to send `100 Continue` (the BE, once the
// header checks pass) or never to (the FE, which answers 307 without reading the body).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { handleStreamLoad } from './be-load.ts'
import {
  basicAuth,
  canInsert,
  checkPassword,
  type EmulatorContext,
  header,
  INSERT_DENIED,
  sendJson,
  sleep,
} from './context.ts'

const STREAM_LOAD = /^\/api\/([^/]*)\/([^/]*)\/_stream_load$/
const LOAD_STATE = /^\/api\/([^/]+)\/get_load_state$/

type Handler = (req: IncomingMessage, res: ServerResponse, expectContinue: boolean) => Promise<void>

function serve(ctx: EmulatorContext, where: 'fe' | number, handler: Handler): Server {
  const server = createServer({ keepAlive: true })
  server.on('connection', () => {
    ctx.accepted[where === 'fe' ? 0 : where + 1]! += 1
  })
  const run = (req: IncomingMessage, res: ServerResponse, expect: boolean) => {
    handler(req, res, expect).catch((err: Error) => {
      if (!res.headersSent) sendJson(res, 500, JSON.stringify({ status: 'FAILED', msg: err.message }))
      else res.destroy()
    })
  }
  server.on('request', (req, res) => run(req, res, false))
  server.on('checkContinue', (req, res) => run(req, res, true))
  return server
}

function injected(
  ctx: EmulatorContext,
  where: 'fe' | number,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  if (ctx.faults.take('reset', where, (f) => f.phase !== 'after-apply')) {
    req.socket.destroy()
    return true
  }
  const http = ctx.faults.take('http-error', where)
  if (http) {
    const status = http.status ?? 503
    res.writeHead(status, { 'Content-Type': 'text/html', Connection: 'close' })
    res.end(`<html><body><h1>${status} injected by the emulator</h1></body></html>`)
    return true
  }
  return false
}

export function createBeServer(ctx: EmulatorContext, be: number): Server {
  return serve(ctx, be, async (req, res, expect) => {
    const url = new URL(req.url ?? '/', 'http://be')
    if (injected(ctx, be, req, res)) return
    const m = STREAM_LOAD.exec(url.pathname)
    if (m && req.method === 'PUT') {
      let db: string
      let table: string
      try {
        db = decodeURIComponent(m[1]!)
        table = decodeURIComponent(m[2]!)
      } catch {
        return sendJson(
          res,
          200,
          JSON.stringify({ TxnId: -1, Status: 'Fail', Message: 'url decode failed' }, null, 4),
        )
      }
      return handleStreamLoad(ctx, be, req, res, db, table, expect)
    }
    if (url.pathname === '/api/_load_error_log' && req.method === 'GET') {
      const lines = ctx.errorLogs.get(url.searchParams.get('file') ?? '')
      if (lines) {
        const text = lines.join('\n') + '\n'
        res.writeHead(200, {
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Length': Buffer.byteLength(text),
        })
        return void res.end(text)
      }
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' })
    res.end('Not Found')
  })
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

let roundRobin = 0

export function createFeServer(ctx: EmulatorContext): Server {
  return serve(ctx, 'fe', async (req, res, expect) => {
    const url = new URL(req.url ?? '/', 'http://fe')
    if (injected(ctx, 'fe', req, res)) return
    const latency = ctx.faults.take('latency', 'fe')
    if (latency) await sleep(latency.ms)
    const load = STREAM_LOAD.exec(url.pathname)
    const state = LOAD_STATE.exec(url.pathname)
    if (!(load && req.method === 'PUT') && !(state && req.method === 'GET')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' })
      return void res.end('Not Found')
    }
    const auth = basicAuth(req)
    if (!auth || !checkPassword(ctx, auth)) {
      const msg = auth
        ? `Access denied for ${auth.user}@${req.socket.remoteAddress}`
        : 'Need auth information.'
      return sendJson(res, 401, JSON.stringify({ status: 'FAILED', msg }), {
        'WWW-Authenticate': 'Basic realm=""',
      })
    }
    if (state) {
      const db = decodeURIComponent(state[1]!)
      if (!(await ctx.catalog.databaseExists(db)))
        return sendJson(
          res,
          200,
          JSON.stringify({ status: 'FAILED', msg: `unknown database, database=${db}` }),
        )
      const entry = ctx.labels.get(db, url.searchParams.get('label') ?? '')
      return sendJson(
        res,
        200,
        JSON.stringify({ state: entry?.state ?? 'UNKNOWN', status: 'OK', msg: 'Success' }),
      )
    }
    if (!req.headers.expect) {
      return sendJson(
        res,
        200,
        JSON.stringify(
          {
            Status: 'FAILED',
            Message: 'class com.starrocks.common.DdlException: There is no 100-continue header',
          },
          null,
          2,
        ),
      )
    }
    if (!load![1])
      return sendJson(res, 200, JSON.stringify({ Status: 'FAILED', Message: 'No database selected.' }))
    if (!load![2])
      return sendJson(res, 200, JSON.stringify({ Status: 'FAILED', Message: 'No table selected.' }))
    // §1.2 step 4: the INSERT privilege on db.table, answered like an authentication failure
    if (!canInsert(ctx, auth.user, safeDecode(load![1]!), safeDecode(load![2]!)))
      return sendJson(res, 401, JSON.stringify({ status: 'FAILED', msg: INSERT_DENIED }), {
        'WWW-Authenticate': 'Basic realm=""',
      })
    const alive = ctx.beAddresses.map((_, i) => i).filter((i) => !ctx.beDown[i])
    if (alive.length === 0)
      return sendJson(res, 200, JSON.stringify({ Status: 'FAILED', Message: 'No backend alive.' }))
    const be = alive[roundRobin++ % alive.length]!
    const userInfo =
      ctx.flavour === 'doris' ? `${encodeURIComponent(auth.user)}:${encodeURIComponent(auth.password)}@` : ''
    const location = `http://${userInfo}${ctx.beAddresses[be]}${url.pathname}${url.search}`
    // never read the body, never send 100 Continue (§1.2 step 7)
    if (expect && header(req, 'content-length') === '0') {
      // Node closes a connection whose Expect went unanswered, in case a body is still coming;
      // with none declared, keep it alive as the FE does (keep-alive follows the request, §1.2)
      ;(res as unknown as { _expect_continue: boolean })._expect_continue = false
    }
    res.writeHead(307, { Location: location, 'Content-Type': 'text/html', 'Content-Length': 0 })
    res.end()
  })
}
