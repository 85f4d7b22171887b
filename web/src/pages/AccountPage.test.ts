import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import AccountPage from './AccountPage.vue'
import { navigation } from '../api/client'
import { setLocale } from '../i18n'
import { mockFetch } from '../test/helpers'

const ua = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0'
const sess = (id: string, current: boolean, systems: string[] = []) => ({
  id, device_id: 'd' + id, ip: '203.0.113.9', user_agent: ua, created_at: '2026-11-23T10:00:00Z',
  last_seen: current ? '2026-11-23T12:00:00Z' : '2026-11-23T11:00:00Z', expires_at: '2026-11-24T10:00:00Z',
  remember_me: false, systems, current,
})

function setup(permissions: string[]) {
  let list = [sess('s1', true, ['shop', 'cms']), sess('s2', false), sess('s3', false)]
  const calls: string[] = []
  mockFetch((url, init) => {
    calls.push(`${init.method} ${url}`)
    if (url === '/api/me') return { data: { user: { id: 'u1', username: 'jack', display_name: '<img src=x onerror=alert(1)>', status: 'active' }, system: 'gatehouse', roles: ['USER'], permissions, session: list[0] } }
    if (url === '/api/me/sessions' && init.method === 'GET') return { data: { sessions: list } }
    if (url === '/api/me/sessions/s2') { list = list.filter((s) => s.id !== 's2'); return { data: { revoked: 's2' } } }
    if (url === '/api/me/sessions') { const n = list.length - 1; list = list.slice(0, 1); return { data: { revoked: n } } }
    if (url === '/api/password-policy') return { data: { min_length: 8, max_length: 256, forbid_username: true, forbid_common: true } }
    if (url === '/api/auth/logout') return { data: { signed_out: true } }
    if (url === '/api/me/password') return { status: 422, code: 42201, msg: 'The password does not meet the password policy.', data: { fields: [{ field: 'password', problem: 'is one of the most common passwords' }] } }
    return { status: 404, code: 40401, msg: 'Not found.' }
  })
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/account', component: AccountPage }, { path: '/admin', component: { template: '<p/>' } }] })
  return { router, calls }
}

async function mountPage(permissions: string[] = []) {
  const s = setup(permissions)
  await s.router.push('/account')
  const wrapper = mount(AccountPage, { global: { plugins: [s.router] } })
  await flushPromises()
  return { wrapper, ...s }
}

let assign: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  setLocale('en')
  assign = vi.spyOn(navigation, 'assign').mockImplementation(() => {})
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

describe('AccountPage', () => {
  it('shows the profile as text, sessions with the current one marked, and joined systems', async () => {
    const { wrapper } = await mountPage()
    const profile = wrapper.find('[data-test=profile]')
    expect(profile.text()).toContain('jack')
    expect(profile.find('img').exists()).toBe(false) // a display name is text, never markup
    const rows = wrapper.findAll('[data-test=session-row]')
    expect(rows).toHaveLength(3)
    expect(rows[0].attributes('data-current')).toBe('true')
    expect(rows[0].find('[data-test=revoke-session]').exists()).toBe(false)
    expect(rows[1].attributes('data-current')).toBeUndefined()
    expect(rows[1].text()).toContain('Firefox on Linux')
    expect(wrapper.findAll('[data-test=joined-system]').map((w) => w.text())).toEqual(['shop', 'cms'])
    expect(wrapper.find('a#admin-link').exists()).toBe(false)
    expect(wrapper.find('[data-test=password-policy]').text()).toContain('at least 8 characters')
  })

  it('links to the console for holders of a gatehouse permission', async () => {
    const { wrapper } = await mountPage(['gatehouse:users:read'])
    expect(wrapper.find('a#admin-link').attributes('href')).toBe('/admin')
  })

  it('signs out one session, then all others', async () => {
    const { wrapper, calls } = await mountPage()
    await wrapper.findAll('[data-test=session-row]')[1].find('[data-test=revoke-session]').trigger('click')
    await flushPromises()
    expect(calls).toContain('DELETE /api/me/sessions/s2')
    expect(wrapper.findAll('[data-test=session-row]')).toHaveLength(2)
    await wrapper.find('button#sign-out-others').trigger('click')
    await flushPromises()
    expect(calls).toContain('DELETE /api/me/sessions')
    expect(wrapper.findAll('[data-test=session-row]')).toHaveLength(1)
    expect(wrapper.text()).toContain('Signed out 1 other sessions.')
  })

  it('signs out everywhere and goes to the sign-in page', async () => {
    const { wrapper, calls } = await mountPage()
    await wrapper.find('button#sign-out').trigger('click')
    await flushPromises()
    expect(calls).toContain('POST /api/auth/logout')
    expect(assign).toHaveBeenCalledWith('/login')
  })

  it('checks a new password before sending it and shows the server’s reasons', async () => {
    const { wrapper, calls } = await mountPage()
    await wrapper.find('input#old-password').setValue('jack123')
    await wrapper.find('input#new-password').setValue('short')
    await wrapper.find('input#confirm-password').setValue('short')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('#password-error').text()).toContain('shorter than 8 characters')
    expect(calls).not.toContain('POST /api/me/password')
    await wrapper.find('input#new-password').setValue('password1')
    await wrapper.find('input#confirm-password').setValue('password1')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(calls).toContain('POST /api/me/password')
    expect(wrapper.find('#password-error').text()).toBe('The password does not meet the password policy. password: is one of the most common passwords')
  })
})
