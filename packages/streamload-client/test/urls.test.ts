import { describe, expect, it } from 'vitest'
import { rewriteHost, stripUserInfo } from '../src/urls.ts'

describe('urls', () => {
  it('strips Doris user:password@ from a Location', () => {
    expect(stripUserInfo('http://root:pw@10.0.0.5:8040/api/db/t/_stream_load?')).toBe(
      'http://10.0.0.5:8040/api/db/t/_stream_load?',
    )
  })

  it('rewrites by host:port first, then by host keeping the port', () => {
    const map = new Map([
      ['172.17.0.2:8040', 'be1.example:18040'],
      ['172.17.0.3', 'be2.example'],
    ])
    expect(rewriteHost('http://172.17.0.2:8040/api/x?a=1', map)).toBe('http://be1.example:18040/api/x?a=1')
    expect(rewriteHost('http://172.17.0.3:8040/api/x', map)).toBe('http://be2.example:8040/api/x')
    expect(rewriteHost('http://10.9.9.9:8040/api/x', map)).toBe('http://10.9.9.9:8040/api/x')
  })
})
