// Script in data the console shows (a display name, a role description, an audit detail) is
// rendered as text by Vue interpolation, never as markup.
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setLocale } from '../i18n'
import { setAccess } from './access'
import { flush, mockFetch, testRouter } from './testing'
import UsersView from './views/UsersView.vue'
import UserDetailView from './views/UserDetailView.vue'

const evil = '<script>alert(1)</script>'
const evilImg = '<img src=x onerror="alert(2)">'

function u(id: string, name: string) {
  return {
    id,
    username: 'mallory',
    display_name: name,
    email: '',
    status: 'active',
    created_at: '2026-11-01T10:00:00Z',
    updated_at: '2026-11-01T10:00:00Z',
    password_changed_at: '',
    version: 1,
  }
}

beforeEach(() => {
  setLocale('en')
  setAccess(['*'], 'root')
})
afterEach(() => vi.unstubAllGlobals())

describe('hostile text', () => {
  it('renders a display name with a script tag as text in the users list', async () => {
    const alert = vi.fn()
    vi.stubGlobal('alert', alert)
    mockFetch(() => ({ body: { items: [u('u_1', evil), u('u_2', evilImg)], total: 2, offset: 0, limit: 50 } }))
    const router = testRouter()
    router.push('/admin/users')
    await router.isReady()
    const w = mount(UsersView, { global: { plugins: [router] }, attachTo: document.body })
    await flushPromises()
    await flush()
    const cells = w.findAll('[data-test=display-name]')
    expect(cells.map((c) => c.text())).toEqual([evil, evilImg])
    expect(w.find('tbody script').exists()).toBe(false)
    expect(w.find('tbody img').exists()).toBe(false)
    expect(w.html()).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(alert).not.toHaveBeenCalled()
    w.unmount()
  })

  it('renders it as text on the user page, grants and sessions included', async () => {
    mockFetch(({ url }) => {
      if (url.pathname === '/api/admin/users/u_1')
        return { body: { user: u('u_1', evil), grants: [{ role_id: 'r_1', system: 'demo', role: evil, permissions: ['demo:*'] }] } }
      if (url.pathname === '/api/admin/users/u_1/sessions')
        return {
          body: {
            items: [
              { id: 's1', user_id: 'u_1', username: 'mallory', device_id: 'd1', ip: '127.0.0.1', user_agent: evilImg, created_at: '', last_seen: '', expires_at: '', remember_me: false, systems: [evil] },
            ],
          },
        }
      if (url.pathname === '/api/admin/systems') return { body: { items: [] } }
      return undefined
    })
    const router = testRouter()
    router.push('/admin/users/u_1')
    await router.isReady()
    const w = mount(UserDetailView, { props: { id: 'u_1' }, global: { plugins: [router] } })
    await flushPromises()
    await flush()
    expect(w.find('[data-test=user-title]').text()).toBe(evil)
    expect(w.find('[data-test=grant-row]').text()).toContain(evil)
    expect(w.find('[data-test=session-system]').text()).toBe(evil)
    expect(w.find('#edit-display-name').element).toHaveProperty('value', evil)
    expect(w.findAll('script')).toHaveLength(0)
    expect(w.findAll('img')).toHaveLength(0)
  })

  it('no console source uses v-html or innerHTML', () => {
    const sources = import.meta.glob(['./**/*.vue', './**/*.ts', '!./**/*.test.ts'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>
    const files = Object.keys(sources)
    expect(files.length).toBeGreaterThan(10)
    for (const f of files) {
      expect(sources[f], f).not.toMatch(/v-html|innerHTML|outerHTML|insertAdjacentHTML/)
    }
  })
})
