import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setLocale } from '../i18n'
import { flush, mockFetch, testRouter } from './testing'

function me(permissions: string[]) {
  mockFetch(({ url }) => {
    if (url.pathname === '/api/me') return { body: { user: { id: 'u_1', username: 'jack', display_name: 'Jack', status: 'active' }, system: 'gatehouse', roles: [], permissions, session: {} } }
    if (url.pathname.startsWith('/api/admin/')) return { body: { items: [], total: 0, offset: 0, limit: 50, buckets: [], totals: { users: 0, systems: 0, live_sessions: 0 } } }
    return undefined
  })
}

async function mountAt(path: string) {
  const router = testRouter()
  router.push(path)
  await router.isReady()
  const w = mount({ template: '<RouterView />' }, { global: { plugins: [router] } })
  await flushPromises()
  await flush(20)
  return { w, router }
}

beforeEach(() => setLocale('en'))
afterEach(() => vi.unstubAllGlobals())

describe('AdminLayout', () => {
  it('shows every section to "*"', async () => {
    me(['*'])
    const { w } = await mountAt('/admin/users')
    const nav = w.findAll('nav a[data-test^=nav-]').map((a) => a.attributes('data-test'))
    expect(nav).toEqual(['nav-dashboard', 'nav-users', 'nav-roles', 'nav-systems', 'nav-sessions', 'nav-audit', 'nav-account'])
  })

  it('shows only the sections the codes read, and refuses others by address', async () => {
    me(['gatehouse:users:*', 'gatehouse:*:read', 'demo:*'])
    const { w } = await mountAt('/admin/users')
    expect(w.find('[data-test=nav-users]').exists()).toBe(true)
    expect(w.find('[data-test=nav-audit]').exists()).toBe(true)
    expect(w.find('[data-test=nav-sessions]').exists()).toBe(true)
    expect(w.find('[data-test=nav-dashboard]').exists()).toBe(true)
    me(['gatehouse:users:read'])
    const second = await mountAt('/admin/systems')
    expect(second.w.findAll('nav a[data-test^=nav-]').map((a) => a.attributes('data-test'))).toEqual(['nav-users', 'nav-account'])
    expect(second.w.find('[data-test=not-allowed]').text()).toContain('may not see Systems')
  })

  it('opens the first permitted section from /admin', async () => {
    me(['gatehouse:audit:read'])
    const { router } = await mountAt('/admin')
    while (router.currentRoute.value.path === '/admin') await new Promise((r) => setTimeout(r, 10))
    expect(router.currentRoute.value.path).toBe('/admin/audit')
  })

  it('tells a user without Gatehouse permissions that they are not allowed', async () => {
    me(['demo:*'])
    const { w } = await mountAt('/admin/users')
    expect(w.find('[data-test=not-allowed]').text()).toContain('Not allowed')
    expect(w.find('nav').exists()).toBe(false)
    setLocale('zh')
    await flush()
    expect(w.find('[data-test=not-allowed]').text()).toContain('无权访问')
  })
})
