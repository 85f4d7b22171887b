// Test helpers: a scripted fetch that answers the native API's envelopes.
import { vi } from 'vitest'

export interface Scripted {
  status?: number
  code?: number
  msg?: string
  data?: unknown
  headers?: Record<string, string>
}

export type Route = (url: string, init: RequestInit) => Scripted | Promise<Scripted>

export function envelope(s: Scripted): Response {
  const status = s.status ?? 200
  return new Response(JSON.stringify({ code: s.code ?? 0, msg: s.msg ?? 'ok', data: s.data ?? null }), {
    status,
    headers: { 'Content-Type': 'application/json', ...(s.headers ?? {}) },
  })
}

/** mockFetch installs a fetch that answers by route; the calls are recorded. */
export function mockFetch(route: Route) {
  const calls: { url: string; init: RequestInit }[] = []
  const fn = vi.fn(async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = typeof input === 'string' ? input : input.toString()
    calls.push({ url, init })
    return envelope(await route(url, init))
  })
  vi.stubGlobal('fetch', fn)
  return { fn, calls }
}

export const flush = () => new Promise((r) => setTimeout(r, 0))
