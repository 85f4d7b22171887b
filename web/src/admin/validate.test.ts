import { beforeEach, describe, expect, it } from 'vitest'
import { setLocale } from '../i18n'
import './messages'
import { checkURL, firstInvalid, lines, validateNewUser, validateRole, validateSystem, validateUserProfile } from './validate'

beforeEach(() => setLocale('en'))

describe('lines', () => {
  it('keeps non-empty trimmed lines', () => {
    expect(lines(' a \r\n\n b\n  \n')).toEqual(['a', 'b'])
    expect(lines('')).toEqual([])
  })
})

describe('validateNewUser', () => {
  const ok = { username: 'jack', display_name: 'Jack', email: 'jack@example.com', password: '' }
  it('accepts a good user, with or without a password', () => {
    expect(validateNewUser(ok)).toEqual({})
    expect(validateNewUser({ ...ok, password: 'long enough' }, 8)).toEqual({})
    expect(validateNewUser({ ...ok, password: 'short' })).toEqual({}) // policy unknown: the server judges
    expect(validateNewUser({ ...ok, username: '张三', email: '' })).toEqual({})
  })
  it('names every problem at once', () => {
    const e = validateNewUser({ username: '', display_name: 'a\u0007b', email: 'jack@', password: 'short' }, 8)
    expect(Object.keys(e).sort()).toEqual(['display_name', 'email', 'password', 'username'])
    expect(e.username).toBe('This is required.')
    expect(firstInvalid(e, ['username', 'display_name', 'email', 'password'])).toBe('username')
  })
  it('refuses bad usernames', () => {
    expect(validateNewUser({ ...ok, username: 'ja ck' }).username).toBeTruthy()
    expect(validateNewUser({ ...ok, username: '<script>' }).username).toBeTruthy()
    expect(validateNewUser({ ...ok, username: 'x'.repeat(65) }).username).toBeTruthy()
    expect(validateNewUser({ ...ok, username: 'x'.repeat(64) }).username).toBeUndefined()
  })
  it('speaks Chinese too', () => {
    setLocale('zh')
    expect(validateNewUser({ ...ok, username: '' }).username).toBe('此项必填。')
  })
})

describe('validateUserProfile', () => {
  it('checks the name length and the e-mail', () => {
    expect(validateUserProfile({ display_name: 'x'.repeat(128), email: '' })).toEqual({})
    expect(validateUserProfile({ display_name: 'x'.repeat(129), email: '' }).display_name).toBeTruthy()
    expect(validateUserProfile({ display_name: '', email: 'a b@c.d' }).email).toBeTruthy()
  })
})

describe('validateRole', () => {
  it('checks name, description and codes against the system', () => {
    expect(validateRole({ system: 'demo', name: 'ADMIN', description: '', permissions: ['demo:*', 'demo:article:edit'] })).toEqual({})
    const e = validateRole({ system: 'demo', name: '1bad', description: 'x'.repeat(513), permissions: ['demo:*', 'other:x', 'Demo:Y', '*'] })
    expect(Object.keys(e).sort()).toEqual(['description', 'name', 'permissions'])
    expect(e.permissions).toContain('other:x, Demo:Y, *')
  })
  it('lets the center system hold codes of any system', () => {
    expect(validateRole({ system: 'gatehouse', name: 'super', description: '', permissions: ['*', 'demo:*'] })).toEqual({})
  })
})

describe('validateSystem', () => {
  const ok = { id: 'demo', name: 'Demo', redirect_uris: ['https://demo.test/cb'], logout_url: '', post_logout_redirect_uris: [] }
  it('accepts a good system', () => {
    expect(validateSystem(ok, true)).toEqual({})
  })
  it('refuses bad ids, empty names and bad URLs', () => {
    const e = validateSystem(
      { id: 'Demo!', name: ' ', redirect_uris: ['https://ok.test/cb', 'javascript:alert(1)'], logout_url: 'https://u:p@x.test/', post_logout_redirect_uris: ['https://x.test/#f'] },
      true,
    )
    expect(Object.keys(e).sort()).toEqual(['id', 'logout_url', 'name', 'post_logout_redirect_uris', 'redirect_uris'])
    expect(e.redirect_uris).toContain('javascript:alert(1)')
  })
  it('does not check the id when editing', () => {
    expect(validateSystem({ ...ok, id: '' }, false)).toEqual({})
  })
  it('refuses client_credentials for a public client', () => {
    expect(validateSystem({ ...ok, public: true, grant_types: ['client_credentials'] }, true).grant_types).toBeTruthy()
  })
})

describe('checkURL', () => {
  it.each([
    ['https://a.test/cb', true],
    ['http://127.0.0.1:8080/cb', true],
    ['ftp://a.test/', false],
    ['//a.test/cb', false],
    ['https://a.test/c b', false],
    ['https://a.test\\@evil.test/', false],
    ['javascript:alert(1)', false],
    ['https://a.test/#x', false],
  ])('%s → %s', (u, good) => {
    expect(checkURL(u) === '').toBe(good)
  })
})
