// The fetch wrapper of the native API: same-origin, cookies sent, the answer's {code,msg,data}
// envelope unwrapped. Failures throw ApiError; msg is the server's message in the current
// language (the request carries Accept-Language from the i18n module).
import { acceptLanguage, t } from '../i18n'
import { basePath } from './base'

/** Error numbers of the native API (docs/api.md). */
export const Codes = {
  invalidInput: 40001,
  malformedBody: 40002,
  unauthenticated: 40101,
  invalidCredentials: 40102,
  captchaRequired: 40103,
  captchaInvalid: 40104,
  tokenInvalid: 40105,
  tokenExpired: 40106,
  sessionExpired: 40107,
  forbidden: 40301,
  notFound: 40401,
  conflict: 40901,
  weakPassword: 42201,
  tooManyRequests: 42901,
  internal: 50001,
  unavailable: 50301,
} as const

/** Network is the code of an ApiError when the server could not be reached or answered non-JSON. */
export const NetworkError = 0

export interface FieldError {
  field: string
  problem: string
}

export interface ErrorData {
  fields?: FieldError[]
  detail?: string
}

export class ApiError extends Error {
  readonly status: number
  readonly code: number
  readonly msg: string
  readonly data: ErrorData | null
  /** seconds from the Retry-After header, 0 when absent */
  readonly retryAfter: number

  constructor(status: number, code: number, msg: string, data: ErrorData | null = null, retryAfter = 0) {
    super(msg)
    this.name = 'ApiError'
    this.status = status
    this.code = code
    this.msg = msg
    this.data = data
    this.retryAfter = retryAfter
  }
}

export interface RequestOptions {
  /** do not send the browser to the sign-in page on 401 (the sign-in page itself, probes) */
  noRedirect?: boolean
  query?: Record<string, string | number | boolean | undefined>
  signal?: AbortSignal
}

/** signInRedirect is where a page that needs sign-in sends the browser; replaceable in tests. */
export const navigation = {
  assign(url: string) {
    globalThis.location.assign(url)
  },
}

function currentPath(): string {
  const l = globalThis.location
  return l ? l.pathname + l.search : '/'
}

/** loginURL is the sign-in page that continues to path afterwards. */
export function loginURL(path: string): string {
  return `${basePath()}/login?continue=${encodeURIComponent(path)}`
}

function parseRetryAfter(v: string | null): number {
  if (!v) return 0
  const n = Number(v)
  return Number.isFinite(n) && n > 0 ? Math.ceil(n) : 0
}

/** request calls the API and returns the data of a successful answer. */
export async function request<T>(method: string, path: string, body?: unknown, opts: RequestOptions = {}): Promise<T> {
  let url = basePath() + path
  if (opts.query) {
    const q = new URLSearchParams()
    for (const [k, v] of Object.entries(opts.query)) if (v !== undefined && v !== '') q.set(k, String(v))
    const s = q.toString()
    if (s) url += (url.includes('?') ? '&' : '?') + s
  }
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': acceptLanguage() }
  const init: RequestInit = { method, headers, credentials: 'same-origin', signal: opts.signal }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  let res: Response
  try {
    res = await fetch(url, init)
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e
    throw new ApiError(0, NetworkError, t('error.network'))
  }
  let env: { code?: unknown; msg?: unknown; data?: unknown } | null = null
  try {
    env = await res.json()
  } catch {
    env = null
  }
  if (!env || typeof env !== 'object' || typeof env.code !== 'number') {
    throw new ApiError(res.status, NetworkError, t('error.badAnswer', { status: res.status }))
  }
  if (res.ok && env.code === 0) return env.data as T
  const msg = typeof env.msg === 'string' && env.msg ? env.msg : t('error.badAnswer', { status: res.status })
  const err = new ApiError(res.status, env.code, msg, (env.data as ErrorData) ?? null, parseRetryAfter(res.headers.get('Retry-After')))
  if (
    res.status === 401 &&
    (err.code === Codes.unauthenticated || err.code === Codes.sessionExpired) &&
    !opts.noRedirect &&
    !isLoginPage()
  ) {
    navigation.assign(loginURL(currentPath()))
  }
  throw err
}

function isLoginPage(): boolean {
  const p = globalThis.location?.pathname ?? ''
  return p === basePath() + '/login'
}

export const api = {
  get: <T>(path: string, opts?: RequestOptions) => request<T>('GET', path, undefined, opts),
  post: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('POST', path, body ?? {}, opts),
  put: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PUT', path, body ?? {}, opts),
  patch: <T>(path: string, body?: unknown, opts?: RequestOptions) => request<T>('PATCH', path, body ?? {}, opts),
  del: <T>(path: string, opts?: RequestOptions) => request<T>('DELETE', path, undefined, opts),
}

/** describe is a sentence for any error, in the current language. */
export function describe(e: unknown): string {
  if (e instanceof ApiError) {
    const parts = [e.msg]
    if (e.data?.fields?.length) parts.push(e.data.fields.map((f) => `${f.field}: ${f.problem}`).join('; '))
    else if (e.data?.detail) parts.push(e.data.detail)
    return parts.join(' ')
  }
  return t('error.unexpected')
}
