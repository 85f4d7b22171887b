import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setLocale } from '../../i18n'
import { setAccess } from '../access'
import type { AdminUser } from '../api'
import { flush, mockFetch, testRouter } from '../testing'
import UsersView from './UsersView.vue'

function user(i: number, over: Partial<AdminUser> = {}): AdminUser {
  return {
    id: `u_${i}`,
    username: `user${i}`,
    display_name: `User ${i}`,
    email: `user${i}@example.com`,
    status: 'active',
    created_at: '2026-11-01T10:00:00Z',
    updated_at: '2026-11-01T10:00:00Z',
    password_changed_at: '2026-11-01T10:00:00Z',
    version: 1,
    ...over,
  }
}

/** a server of 10,000 users that answers only the page asked for */
function serveUsers(override?: (i: number) => Partial<AdminUser>, total = 10_000) {
  return mockFetch(({ method, url }) => {
    if (method !== 'GET' || url.pathname !== '/api/admin/users') return undefined
    const offset = Number(url.searchParams.get('offset'))
    const limit = Number(url.searchParams.get('limit'))
    const q = url.searchParams.get('q') ?? ''
    const all = q ? [42, 420, 4200].filter((i) => `user${i}`.includes(q)) : null
    const n = all ? all.length : total
    const items = []
    for (let i = offset; i < Math.min(offset + limit, n); i++) {
      const idx = all ? all[i] : i
      items.push(user(idx, override?.(idx)))
    }
    return { body: { items, total: n, offset, limit } }
  })
}

async function mountUsers(path = '/admin/users') {
  const router = testRouter()
  router.push(path)
  await router.isReady()
  const w = mount(UsersView, { global: { plugins: [router] } })
  await flushPromises()
  await flush()
  return Object.assign(w, { router })
}

beforeEach(() => {
  setLocale('en')
  setAccess(['*'], 'root')
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('UsersView paging', () => {
  it('asks the server for one page of 50 and shows only that page', async () => {
    const calls = serveUsers()
    const w = await mountUsers()
    expect(calls).toHaveLength(1)
    expect(calls[0].url.searchParams.get('offset')).toBe('0')
    expect(calls[0].url.searchParams.get('limit')).toBe('50')
    const rows = w.findAll('[data-test=user-row]')
    expect(rows).toHaveLength(50)
    expect(rows[0].attributes('data-username')).toBe('user0')
    expect(w.find('[data-test=page-status]').text()).toBe('1–50 of 10,000')
    expect(w.find('#prev-page').attributes('disabled')).toBeDefined()
  })

  it('pages forward and back through the server', async () => {
    const calls = serveUsers()
    const w = await mountUsers()
    await w.find('#next-page').trigger('click')
    await flush()
    expect(calls.at(-1)!.url.searchParams.get('offset')).toBe('50')
    expect(w.findAll('[data-test=user-row]')[0].attributes('data-username')).toBe('user50')
    expect(w.find('[data-test=page-status]').text()).toBe('51–100 of 10,000')
    await w.find('#prev-page').trigger('click')
    await flush()
    expect(calls.at(-1)!.url.searchParams.get('offset')).toBe('0')
  })

  it('disables next on the last page', async () => {
    const calls = serveUsers(undefined, 120)
    const w = await mountUsers()
    for (let i = 0; i < 2; i++) {
      expect(w.find('#next-page').attributes('disabled')).toBeUndefined()
      await w.find('#next-page').trigger('click')
      await flush()
    }
    expect(calls).toHaveLength(3)
    expect(w.findAll('[data-test=user-row]')).toHaveLength(20)
    expect(w.find('[data-test=page-status]').text()).toBe('101–120 of 120')
    expect(w.find('#next-page').attributes('disabled')).toBeDefined()
  })

  it('debounces the search into one request and starts at the first page', async () => {
    const calls = serveUsers()
    const w = await mountUsers()
    await w.find('#next-page').trigger('click')
    await flush()
    vi.useFakeTimers()
    const input = w.find('#user-search')
    for (const v of ['u', 'us', 'use', 'user', 'user42']) await input.setValue(v)
    vi.advanceTimersByTime(299)
    expect(calls).toHaveLength(2)
    vi.advanceTimersByTime(1)
    vi.useRealTimers()
    await flush()
    expect(calls).toHaveLength(3)
    const last = calls.at(-1)!.url.searchParams
    expect(last.get('q')).toBe('user42')
    expect(last.get('offset')).toBe('0')
    expect(w.findAll('[data-test=user-row]').map((r) => r.attributes('data-username'))).toEqual(['user42', 'user420', 'user4200'])
  })

  it('keeps the page and the search in the address', async () => {
    const calls = serveUsers()
    const w = await mountUsers('/admin/users?offset=100&status=active')
    expect(calls[0].url.searchParams.get('offset')).toBe('100')
    expect(calls[0].url.searchParams.get('status')).toBe('active')
    await w.find('#next-page').trigger('click')
    await flush()
    expect(w.router.currentRoute.value.query).toEqual({ status: 'active', offset: '150' })
  })

  it('ignores a hostile offset in the address', async () => {
    const calls = serveUsers()
    await mountUsers('/admin/users?offset=-5e9x')
    expect(calls[0].url.searchParams.get('offset')).toBe('0')
  })

  it('shows the API error message', async () => {
    mockFetch(() => ({ status: 403, body: { code: 40301, msg: '没有执行此操作的权限。', data: null } }))
    const w = await mountUsers()
    expect(w.find('[data-test=api-error]').text()).toContain('没有执行此操作的权限。')
    expect(w.find('[data-test=api-error]').attributes('role')).toBe('alert')
  })
})

describe('UsersView create', () => {
  it('validates, creates, and shows the one-time password once', async () => {
    const calls = serveUsers()
    const w = await mountUsers()
    await w.find('#new-user').trigger('click')
    await w.find('#new-username').setValue('')
    await w.find('#new-email').setValue('not-an-address')
    await w.find('form[data-test=new-user-form]').trigger('submit')
    await flush()
    expect(w.find('#new-username').attributes('aria-invalid')).toBe('true')
    expect(w.find('#new-email-err').text()).toContain('e-mail')
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0)

    vi.unstubAllGlobals()
    const posts = mockFetch(({ method, url }) => {
      if (method === 'POST' && url.pathname === '/api/admin/users') {
        return { status: 201, body: { user: user(10001, { username: 'alice' }), password: 'Xy7-one-time' } }
      }
      if (url.pathname === '/api/admin/users') return { body: { items: [], total: 0, offset: 0, limit: 50 } }
      return undefined
    })
    await w.find('#new-username').setValue('alice')
    await w.find('#new-email').setValue('alice@example.com')
    await w.find('form[data-test=new-user-form]').trigger('submit')
    await flush()
    const post = posts.find((c) => c.method === 'POST')!
    expect(post.body).toEqual({ username: 'alice', display_name: '', email: 'alice@example.com' })
    expect(w.find('[data-test=one-time-secret]').text()).toBe('Xy7-one-time')
  })
})
