// The forms send exactly the members the strict API decoder knows, and refuse bad input
// before sending anything, with the focus on the first bad field.
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { setLocale } from '../../i18n'
import type { System } from '../api'
import { flush, mockFetch } from '../testing'
import RoleForm from './RoleForm.vue'
import SystemForm from './SystemForm.vue'

beforeEach(() => setLocale('en'))
afterEach(() => {
  vi.unstubAllGlobals()
  document.body.innerHTML = ''
})

const created: System = {
  id: 'wiki', name: 'Wiki', redirect_uris: ['https://wiki.test/cb'], logout_url: '', protocols: [],
  oidc: { public: false, grant_types: [], scopes: [], id_token_alg: 'EdDSA', post_logout_redirect_uris: [] },
  has_secret: true, created_at: '', updated_at: '',
}

describe('SystemForm', () => {
  it('creates a system with the documented members and hands over the secret', async () => {
    const calls = mockFetch(({ method }) => (method === 'POST' ? { status: 201, body: { system: created, secret: 'ghs_x' } } : undefined))
    const w = mount(SystemForm, { attachTo: document.body })
    await w.find('#new-system-id').setValue('wiki')
    await w.find('#new-system-name').setValue('Wiki')
    await w.find('#new-system-redirect-uris').setValue('https://wiki.test/cb\n\n  https://wiki.test/cb2  \n')
    await w.find('input[type=checkbox][value=oidc]').setValue(true)
    await w.find('input[type=checkbox][value=refresh_token]').setValue(true)
    await w.find('input[type=checkbox][value=authorization_code]').setValue(true)
    await w.find('#new-system-scopes').setValue('openid  profile ')
    await w.find('form').trigger('submit')
    await flushPromises()
    await flush()
    expect(calls).toHaveLength(1)
    expect(calls[0].url.pathname).toBe('/api/admin/systems')
    expect(calls[0].body).toEqual({
      id: 'wiki',
      name: 'Wiki',
      redirect_uris: ['https://wiki.test/cb', 'https://wiki.test/cb2'],
      logout_url: '',
      protocols: ['oidc'],
      oidc: { public: false, grant_types: ['authorization_code', 'refresh_token'], scopes: ['openid', 'profile'], id_token_alg: 'EdDSA', post_logout_redirect_uris: [] },
    })
    expect(w.emitted('saved')?.[0]).toEqual([created, 'ghs_x'])
  })

  it('refuses bad input without sending and focuses the first bad field', async () => {
    const calls = mockFetch(() => undefined)
    const w = mount(SystemForm, { attachTo: document.body })
    await w.find('#new-system-id').setValue('Wiki!')
    await w.find('#new-system-redirect-uris').setValue('javascript:alert(1)')
    await w.find('#new-system-public').setValue(true)
    await w.find('input[type=checkbox][value=client_credentials]').setValue(true)
    await w.find('form').trigger('submit')
    await flush()
    expect(calls).toHaveLength(0)
    expect(w.find('#new-system-id').attributes('aria-invalid')).toBe('true')
    expect(w.find('#new-system-name').attributes('aria-invalid')).toBe('true')
    expect(w.find('#new-system-redirect-uris-err').text()).toContain('javascript:alert(1)')
    expect(w.find('#new-system-grant-types-err').text()).toContain('client_credentials')
    expect(document.activeElement?.id).toBe('new-system-id')
  })

  it('edits without the id and shows the API error with its fields', async () => {
    const calls = mockFetch(() => ({
      status: 400,
      body: { code: 40001, msg: 'Invalid input.', data: { fields: [{ field: 'logout_url', problem: 'must use http or https' }] } },
    }))
    const w = mount(SystemForm, { props: { system: created }, attachTo: document.body })
    expect(w.find('#edit-system-id').exists()).toBe(false)
    await w.find('#edit-system-name').setValue('Wiki 2')
    await w.find('form').trigger('submit')
    await flushPromises()
    await flush()
    expect(calls[0].method).toBe('PATCH')
    expect(calls[0].url.pathname).toBe('/api/admin/systems/wiki')
    expect(Object.keys(calls[0].body as object).sort()).toEqual(['logout_url', 'name', 'oidc', 'protocols', 'redirect_uris'])
    expect(w.find('[data-test=api-error]').text()).toBe('Invalid input. logout_url: must use http or https')
  })
})

describe('RoleForm', () => {
  it('creates a role with one permission code per line', async () => {
    const calls = mockFetch(({ body }) => ({ status: 201, body: { id: 'r_1', ...(body as object) } }))
    const w = mount(RoleForm, { props: { system: 'demo' }, attachTo: document.body })
    await w.find('#new-role-name').setValue('AUDITOR')
    await w.find('#new-role-permissions').setValue('demo:article:read\n\n demo:report:* \n')
    await w.find('form').trigger('submit')
    await flushPromises()
    await flush()
    expect(calls[0].body).toEqual({ system: 'demo', name: 'AUDITOR', description: '', permissions: ['demo:article:read', 'demo:report:*'] })
  })

  it('refuses codes of another system', async () => {
    const calls = mockFetch(() => undefined)
    const w = mount(RoleForm, { props: { system: 'demo' }, attachTo: document.body })
    await w.find('#new-role-name').setValue('X')
    await w.find('#new-role-permissions').setValue('demo:a\nshop:*')
    await w.find('form').trigger('submit')
    await flush()
    expect(calls).toHaveLength(0)
    expect(w.find('#new-role-permissions-err').text()).toContain('shop:*')
    expect(document.activeElement?.id).toBe('new-role-permissions')
  })

  it('edits only the description and the codes', async () => {
    const calls = mockFetch(({ body }) => ({ body: { id: 'r_1', system: 'demo', name: 'USER', ...(body as object) } }))
    const role = { id: 'r_1', system: 'demo', name: 'USER', description: 'old', permissions: ['demo:a'] }
    const w = mount(RoleForm, { props: { system: 'demo', role }, attachTo: document.body })
    expect(w.find('#role-r_1-name').attributes('readonly')).toBeDefined()
    await w.find('#role-r_1-description').setValue('new')
    await w.find('form').trigger('submit')
    await flushPromises()
    await flush()
    expect(calls[0].method).toBe('PATCH')
    expect(calls[0].body).toEqual({ description: 'new', permissions: ['demo:a'] })
  })
})
