// Test helpers: a fetch that answers admin API routes from a table, and a router for mounting
// console views. Only imported by *.test.ts files.
import { vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'
import { adminRoutes } from './routes'

export interface Call {
  method: string
  url: URL
  body: unknown
}

export type Handler = (call: Call) => { status?: number; body: unknown } | undefined

/** mockFetch installs a fetch that calls handler for each request and records the calls. */
export function mockFetch(handler: Handler): Call[] {
  const calls: Call[] = []
  vi.stubGlobal(
    'fetch',
    vi.fn(async (input: string, init?: RequestInit) => {
      const call: Call = {
        method: init?.method ?? 'GET',
        url: new URL(input, 'http://localhost'),
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      }
      calls.push(call)
      const res = handler(call) ?? { status: 404, body: { code: 40401, msg: 'Not found.', data: null } }
      const status = res.status ?? 200
      return new Response(JSON.stringify(status < 300 ? { code: 0, msg: 'ok', data: res.body } : res.body), {
        status,
        headers: { 'Content-Type': 'application/json' },
      })
    }),
  )
  return calls
}

export function testRouter() {
  return createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: { template: '<div/>' } }, ...adminRoutes] })
}

/** flush lets pending promises and timers of the component settle. */
export async function flush(times = 5) {
  for (let i = 0; i < times; i++) await new Promise((r) => setTimeout(r, 0))
}
