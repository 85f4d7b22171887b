import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setLocale } from '../../i18n'
import { setAccess } from '../access'
import type { Grant } from '../api'
import ConfirmDialog from '../components/ConfirmDialog.vue'
import { flush, mockFetch, testRouter } from '../testing'
import UserDetailView from './UserDetailView.vue'

const roleUser = { id: 'r_user', system: 'demo', name: 'USER', description: '', permissions: ['demo:article:read'] }
const roleAdmin = { id: 'r_admin', system: 'demo', name: 'ADMIN', description: '', permissions: ['demo:*'] }

function server() {
  let grants: Grant[] = []
  const user = { id: 'u_1', username: 'alice', display_name: 'Alice', status: 'active', created_at: '', updated_at: '', password_changed_at: null, version: 1 }
  const calls = mockFetch(({ method, url }) => {
    const p = url.pathname
    if (p === '/api/admin/users/u_1' && method === 'GET') return { body: { user, grants } }
    if (p === '/api/admin/users/u_1/sessions') return { body: { items: [] } }
    if (p === '/api/admin/systems') return { body: { items: [{ id: 'demo', name: 'Demo' }, { id: 'gatehouse', name: 'Gatehouse' }] } }
    if (p === '/api/admin/roles') return { body: { items: url.searchParams.get('system') === 'demo' ? [roleAdmin, roleUser] : [] } }
    const m = p.match(/^\/api\/admin\/users\/u_1\/roles\/(\w+)$/)
    if (m && method === 'PUT') {
      const r = [roleAdmin, roleUser].find((x) => x.id === m[1])!
      grants = [...grants, { role_id: r.id, system: r.system, role: r.name, permissions: r.permissions }]
      return { body: { grants } }
    }
    if (m && method === 'DELETE') {
      grants = grants.filter((g) => g.role_id !== m[1])
      return { body: { grants } }
    }
    if (p === '/api/admin/users/u_1/password') return { body: { password: 'fresh-one-time' } }
    return undefined
  })
  return calls
}

async function mountDetail() {
  const router = testRouter()
  router.push('/admin/users/u_1')
  await router.isReady()
  const w = mount({ components: { UserDetailView, ConfirmDialog }, template: '<UserDetailView id="u_1" /><ConfirmDialog />' }, {
    global: { plugins: [router] },
    attachTo: document.body,
  })
  await flushPromises()
  await flush()
  return w
}

beforeEach(() => {
  setLocale('en')
  setAccess(['*'], 'root')
})
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

describe('UserDetailView', () => {
  it('grants a role of the chosen system and revokes it after confirmation', async () => {
    const calls = server()
    const w = await mountDetail()
    expect(w.findAll('#grant-role option').map((o) => o.text())).toEqual(['ADMIN', 'USER'])
    await w.find('#grant-role').setValue('r_user')
    await w.find('button#grant-role').trigger('submit')
    await flush()
    expect(calls.some((c) => c.method === 'PUT' && c.url.pathname.endsWith('/roles/r_user'))).toBe(true)
    const rows = w.findAll('[data-test=grant-row]')
    expect(rows.map((r) => r.attributes('data-role'))).toEqual(['USER'])

    await rows[0].find('[data-test=revoke-role]').trigger('click')
    await flush()
    expect(w.find('[data-test=confirm-dialog]').exists()).toBe(true)
    await w.find('[data-test=confirm-cancel]').trigger('click')
    await flush()
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false)

    await w.find('[data-test=revoke-role]').trigger('click')
    await flush()
    await w.find('[data-test=confirm-ok]').trigger('click')
    await flush()
    expect(calls.some((c) => c.method === 'DELETE' && c.url.pathname.endsWith('/roles/r_user'))).toBe(true)
    expect(w.findAll('[data-test=grant-row]')).toHaveLength(0)
    w.unmount()
  })

  it('resets the password only after confirmation and shows it once', async () => {
    const calls = server()
    const w = await mountDetail()
    await w.find('#reset-password').trigger('click')
    await flush()
    await w.find('[data-test=confirm-ok]').trigger('click')
    await flush()
    expect(calls.filter((c) => c.url.pathname.endsWith('/password'))).toHaveLength(1)
    expect(w.find('[data-test=one-time-secret]').text()).toBe('fresh-one-time')
    w.unmount()
  })

  it('offers no write actions without the write permission', async () => {
    server()
    setAccess(['gatehouse:users:read', 'gatehouse:systems:read'])
    const w = await mountDetail()
    expect(w.find('#reset-password').exists()).toBe(false)
    expect(w.find('#disable-user').exists()).toBe(false)
    expect(w.find('#grant-role').exists()).toBe(false)
    expect(w.find('#sign-out-everywhere').exists()).toBe(false)
    w.unmount()
  })
})
