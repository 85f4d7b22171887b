import { afterEach, describe, expect, it, vi } from 'vitest'
import { api, ApiError, Codes, describe as describeError, navigation, NetworkError } from './client'
import { setLocale } from '../i18n'
import { mockFetch } from '../test/helpers'

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p
  } catch (e) {
    return e as ApiError
  }
  throw new Error('the call succeeded')
}

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  setLocale('en')
  history.replaceState(null, '', '/')
})

describe('request', () => {
  it('unwraps data and sends the locale, cookies and JSON', async () => {
    setLocale('zh')
    const { calls } = mockFetch(() => ({ data: { ok: 1 } }))
    await expect(api.post('/api/x', { a: 1 })).resolves.toEqual({ ok: 1 })
    const h = calls[0].init.headers as Record<string, string>
    expect(h['Accept-Language']).toMatch(/^zh/)
    expect(h['Content-Type']).toBe('application/json')
    expect(calls[0].init.credentials).toBe('same-origin')
    expect(calls[0].init.body).toBe('{"a":1}')
  })

  it('adds query parameters, skipping empty ones', async () => {
    const { calls } = mockFetch(() => ({ data: [] }))
    await api.get('/api/users', { query: { q: 'a b', page: 2, empty: '', none: undefined } })
    expect(calls[0].url).toBe('/api/users?q=a+b&page=2')
  })

  it('throws ApiError with code, message, data and Retry-After', async () => {
    mockFetch(() => ({ status: 429, code: Codes.tooManyRequests, msg: 'Too many attempts; please try again later.', data: { detail: 'slow down' }, headers: { 'Retry-After': '42' } }))
    const err = await failure(api.post('/api/auth/login', {}))
    expect(err).toBeInstanceOf(ApiError)
    expect(err.status).toBe(429)
    expect(err.code).toBe(42901)
    expect(err.retryAfter).toBe(42)
    expect(describeError(err)).toBe('Too many attempts; please try again later. slow down')
  })

  it('describes field problems', async () => {
    mockFetch(() => ({ status: 400, code: Codes.invalidInput, msg: 'Invalid input.', data: { fields: [{ field: 'username', problem: 'is required' }] } }))
    const err = await failure(api.post('/api/x'))
    expect(describeError(err)).toBe('Invalid input. username: is required')
  })

  it('turns a network failure into a localized ApiError', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch') }))
    setLocale('zh')
    const err = await failure(api.get('/api/me'))
    expect(err).toBeInstanceOf(ApiError)
    expect(err.code).toBe(NetworkError)
    expect(err.msg).toContain('无法连接服务器')
  })

  it('turns a non-JSON answer into an ApiError naming the status', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response('<html>bad gateway</html>', { status: 502 })))
    const err = await failure(api.get('/api/me'))
    expect(err.status).toBe(502)
    expect(err.code).toBe(NetworkError)
    expect(err.msg).toContain('502')
  })

  it('sends a page that needs sign-in to the sign-in page on 401', async () => {
    history.replaceState(null, '', '/account?tab=sessions')
    const assign = vi.spyOn(navigation, 'assign').mockImplementation(() => {})
    mockFetch(() => ({ status: 401, code: Codes.sessionExpired, msg: 'Your session has ended; please sign in again.' }))
    await expect(api.get('/api/me/sessions')).rejects.toBeInstanceOf(ApiError)
    expect(assign).toHaveBeenCalledWith('/login?continue=%2Faccount%3Ftab%3Dsessions')
  })

  it('does not redirect on the sign-in page, with noRedirect, or on other 401s', async () => {
    const assign = vi.spyOn(navigation, 'assign').mockImplementation(() => {})
    history.replaceState(null, '', '/account')
    mockFetch(() => ({ status: 401, code: Codes.unauthenticated, msg: 'Please sign in.' }))
    await api.get('/api/me', { noRedirect: true }).catch(() => {})
    history.replaceState(null, '', '/login')
    await api.get('/api/me').catch(() => {})
    history.replaceState(null, '', '/account')
    mockFetch(() => ({ status: 401, code: Codes.invalidCredentials, msg: 'The username or password is incorrect.' }))
    await api.post('/api/me/password', {}).catch(() => {})
    expect(assign).not.toHaveBeenCalled()
  })
})
