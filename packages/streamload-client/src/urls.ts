// BE addresses in a Location or ErrorURL are the cluster's registered hosts, often internal
// addresses unreachable from here (§10.15): a rewrite map turns them into reachable ones.
// Doris puts `user:password@` into Location (§8): it is stripped, Authorization is sent instead.

export function stripUserInfo(url: string): string {
  const u = new URL(url)
  u.username = ''
  u.password = ''
  return u.toString()
}

export function rewriteHost(url: string, map: ReadonlyMap<string, string>): string {
  if (map.size === 0) return url
  const u = new URL(url)
  const hostPort = `${u.hostname}:${u.port || '80'}`.toLowerCase()
  const to = map.get(hostPort) ?? map.get(u.hostname.toLowerCase())
  if (!to) return url
  const target = new URL(/^https?:\/\//i.test(to) ? to : `http://${to}`)
  u.hostname = target.hostname
  if (target.port || map.has(hostPort)) u.port = target.port
  return u.toString()
}
