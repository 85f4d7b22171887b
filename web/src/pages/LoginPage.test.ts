import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import LoginPage from './LoginPage.vue'
import { navigation, Codes } from '../api/client'
import { setLocale } from '../i18n'
import { mockFetch, type Scripted } from '../test/helpers'

const me = { user: { id: 'u1', username: 'alice', display_name: 'Alice', status: 'active' }, system: 'gatehouse', roles: [], permissions: [], session: {} }
const captcha = (n: number) => ({ data: { captcha_id: `c${n}`, image: `data:image/png;base64,AAAA${n}`, expires_in: 300 } })

async function setup(path: string, login: (body: any) => Scripted, signedIn = false) {
  let captchas = 0
  const logins: any[] = []
  const fetch = mockFetch((url, init) => {
    if (url === '/api/me') return signedIn ? { data: me } : { status: 401, code: Codes.unauthenticated, msg: 'Please sign in.' }
    if (url === '/api/captcha') return captcha(++captchas)
    if (url === '/api/auth/login') {
      const body = JSON.parse(String(init.body))
      logins.push(body)
      return login(body)
    }
    return { status: 404, code: 40401, msg: 'Not found.' }
  })
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', component: LoginPage },
      { path: '/account', component: { template: '<p>account</p>' } },
    ],
  })
  await router.push(path)
  await router.isReady()
  const wrapper = mount(LoginPage, { global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router, logins, fetch, captchas: () => captchas }
}

async function fill(w: any, user = 'alice', pass = 'secret-pass') {
  await w.find('input#username').setValue(user)
  await w.find('input#password').setValue(pass)
}

let assign: ReturnType<typeof vi.spyOn>
beforeEach(() => {
  sessionStorage.clear()
  setLocale('en')
  assign = vi.spyOn(navigation, 'assign').mockImplementation(() => {})
})
afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
  document.body.innerHTML = ''
})

describe('LoginPage', () => {
  it('has labelled fields, no captcha at first, and an alert region', async () => {
    const { wrapper } = await setup('/login', () => ({ data: me }))
    for (const id of ['username', 'password', 'remember']) {
      expect(wrapper.find(`label[for=${id}]`).exists()).toBe(true)
    }
    expect(wrapper.find('input#captcha').exists()).toBe(false)
    expect(wrapper.find('#login-error').attributes('role')).toBe('alert')
    expect(wrapper.find('button#sign-in').attributes('type')).toBe('submit')
  })

  it('submits with the keyboard and follows an SSO continuation with a full navigation', async () => {
    const cont = '/sso/login?system=demo-a&redirect_uri=https%3A%2F%2Fa.test%2Fcb'
    const { wrapper, logins } = await setup(`/login?continue=${encodeURIComponent(cont)}`, () => ({ data: me }))
    await fill(wrapper)
    await wrapper.find('input#remember').setValue(true)
    // Enter in a field submits its form (implicit submission through the submit button)
    ;(wrapper.find('input#password').element as HTMLInputElement).form!.requestSubmit()
    await flushPromises()
    expect(logins).toEqual([{ username: 'alice', password: 'secret-pass', remember_me: true }])
    expect(assign).toHaveBeenCalledWith(cont)
  })

  it('goes to /account through the router when continue points off-site', async () => {
    const { wrapper, router } = await setup('/login?continue=%2F%2Fevil.test', () => ({ data: me }))
    await fill(wrapper)
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(assign).not.toHaveBeenCalled()
    expect(router.currentRoute.value.path).toBe('/account')
  })

  it('continues at once when already signed in', async () => {
    await setup('/login?continue=%2Fgateway%2Freturn%3Furl%3Dx', () => ({ data: me }), true)
    expect(assign).toHaveBeenCalledWith('/gateway/return?url=x')
  })

  it('asks a signed-in browser to sign in again for a protocol entry point (renew, prompt=login)', async () => {
    const { wrapper, logins } = await setup('/login?continue=%2Fcas%2Flogin%3Fservice%3Dx', () => ({ data: me }), true)
    expect(assign).not.toHaveBeenCalled()
    expect(wrapper.find('[data-test=reauth]').text()).toContain('signed in as alice')
    expect((wrapper.find('input#username').element as HTMLInputElement).value).toBe('alice')
    expect(document.activeElement?.id).toBe('password')
    await wrapper.find('input#password').setValue('secret-pass')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(logins).toHaveLength(1)
    expect(assign).toHaveBeenCalledWith('/cas/login?service=x')
  })

  it('does not continue a signed-in browser to the same place twice in a row (loop guard)', async () => {
    await setup('/login?continue=%2Fgateway%2Freturn%3Furl%3Dy', () => ({ data: me }), true)
    expect(assign).toHaveBeenCalledTimes(1)
    document.body.innerHTML = ''
    const { wrapper } = await setup('/login?continue=%2Fgateway%2Freturn%3Furl%3Dy', () => ({ data: me }), true)
    expect(assign).toHaveBeenCalledTimes(1)
    expect(wrapper.find('[data-test=reauth]').exists()).toBe(true)
  })

  it('continues a signed-in browser to its own pages every time', async () => {
    const a = await setup('/login?continue=%2F%2Fevil.test', () => ({ data: me }), true)
    expect(a.router.currentRoute.value.path).toBe('/account')
    document.body.innerHTML = ''
    const b = await setup('/login?continue=https%3A%2F%2Fevil.test', () => ({ data: me }), true)
    expect(b.router.currentRoute.value.path).toBe('/account')
    expect(assign).not.toHaveBeenCalled()
  })

  it('shows the captcha on 40103 and sends it with the next try', async () => {
    let n = 0
    const { wrapper, logins } = await setup('/login', () =>
      ++n === 1 ? { status: 401, code: Codes.captchaRequired, msg: 'Please enter the captcha.' } : { data: me },
    )
    await fill(wrapper)
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('#login-error').text()).toContain('Please enter the captcha.')
    expect(wrapper.find('input#captcha').exists()).toBe(true)
    expect(wrapper.find('img#captcha-image').attributes('src')).toBe('data:image/png;base64,AAAA1')
    expect(document.activeElement?.id).toBe('captcha')
    await wrapper.find('input#captcha').setValue('ab12')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(logins[1]).toMatchObject({ captcha_id: 'c1', captcha_answer: 'ab12' })
  })

  it('refreshes the captcha on 40104 and with the refresh button', async () => {
    let n = 0
    const { wrapper, captchas } = await setup('/login', () =>
      ++n === 1
        ? { status: 401, code: Codes.captchaRequired, msg: 'Please enter the captcha.' }
        : { status: 401, code: Codes.captchaInvalid, msg: 'The captcha is incorrect or has expired.' },
    )
    await fill(wrapper)
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    await wrapper.find('input#captcha').setValue('wrong')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(captchas()).toBe(2)
    expect(wrapper.find('img#captcha-image').attributes('src')).toBe('data:image/png;base64,AAAA2')
    expect((wrapper.find('input#captcha').element as HTMLInputElement).value).toBe('')
    expect(wrapper.find('#login-error').text()).toContain('A new image has been loaded')
    await wrapper.find('button#captcha-refresh').trigger('click')
    await flushPromises()
    expect(captchas()).toBe(3)
  })

  it('explains wrong credentials in the current language and clears the password', async () => {
    setLocale('zh')
    const { wrapper } = await setup('/login', () => ({ status: 401, code: Codes.invalidCredentials, msg: '用户名或密码错误。' }))
    await fill(wrapper)
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('#login-error').text()).toBe('用户名或密码错误。 请检查用户名和密码后重试。')
    expect((wrapper.find('input#password').element as HTMLInputElement).value).toBe('')
    expect(wrapper.find('input#password').attributes('aria-invalid')).toBe('true')
  })

  it('shows the wait of a 42901 and blocks the button meanwhile', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    try {
      const { wrapper } = await setup('/login', () => ({ status: 429, code: Codes.tooManyRequests, msg: 'Too many attempts; please try again later.', headers: { 'Retry-After': '3' } }))
      await fill(wrapper)
      await wrapper.find('form').trigger('submit')
      await flushPromises()
      expect(wrapper.find('#login-error').text()).toContain('You can try again in 3 s.')
      expect(wrapper.find('button#sign-in').attributes('disabled')).toBeDefined()
      vi.advanceTimersByTime(3000)
      await flushPromises()
      expect(wrapper.find('button#sign-in').attributes('disabled')).toBeUndefined()
    } finally {
      vi.useRealTimers()
    }
  })

  it('asks for missing fields without calling the API', async () => {
    const { wrapper, logins } = await setup('/login', () => ({ data: me }))
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(logins).toHaveLength(0)
    expect(wrapper.find('#login-error').text()).toBe('Enter your username and password.')
  })
})
