import { describe, expect, it } from 'vitest'
import { asksForFreshSignIn, autoContinueAllowed, needsFullNavigation, safeContinue } from './continue'

const origin = 'https://sso.example.test'

describe('safeContinue', () => {
  it.each([
    '/account',
    '/sso/login?system=demo-a&redirect_uri=https%3A%2F%2Fa.example.test%2Fcb',
    '/cas/login?service=https%3A%2F%2Fapp.example.test%2F',
    '/oidc/authorize?client_id=x&redirect_uri=https%3A%2F%2Fx.test%2Fcb&state=%2F%2Fok',
    '/admin/users/42#top',
    '/',
  ])('accepts the same-origin path %s', (p) => {
    expect(safeContinue(p, origin)).toBe(p)
  })

  it.each([
    '//evil.test',
    '//evil.test/path',
    'https://evil.test',
    'http://sso.example.test/account', // absolute URLs are refused, even our own
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    '/\\evil.test',
    '\\\\evil.test',
    '%2F%2Fevil.test',
    '/%2Fevil.test',
    '/%5Cevil.test',
    '/%252F%252Fevil.test'.replace('/', '/'),
    '\t//evil',
    '/\t/evil.test',
    '/\n/evil.test',
    '/%0a/evil.test',
    '/%E0%A4%A', // malformed escape
    'evil.test',
    '',
    '/' + 'a'.repeat(5000),
  ])('refuses %s', (p) => {
    expect(safeContinue(p, origin)).toBeNull()
  })

  it('refuses non-strings', () => {
    expect(safeContinue(null, origin)).toBeNull()
    expect(safeContinue(undefined, origin)).toBeNull()
  })
})

describe('needsFullNavigation', () => {
  it('routes the pages of this app through the router', () => {
    expect(needsFullNavigation('/account')).toBe(false)
    expect(needsFullNavigation('/admin/users?page=2')).toBe(false)
    expect(needsFullNavigation('/gh/account', '/gh')).toBe(false)
  })
  it('sends protocol continuations to the server', () => {
    expect(needsFullNavigation('/sso/login?system=a')).toBe(true)
    expect(needsFullNavigation('/cas/login?service=x')).toBe(true)
    expect(needsFullNavigation('/oidc/authorize?x=1')).toBe(true)
    expect(needsFullNavigation('/accounts')).toBe(true)
  })
})

describe('asksForFreshSignIn', () => {
  it('names the protocol entry points', () => {
    expect(asksForFreshSignIn('/sso/login?system=a')).toBe(true)
    expect(asksForFreshSignIn('/cas/login?service=x')).toBe(true)
    expect(asksForFreshSignIn('/oidc/authorize/resume?id=1')).toBe(true)
    expect(asksForFreshSignIn('/gh/sso/login?system=a', '/gh')).toBe(true)
  })
  it('lets everything else continue at once', () => {
    expect(asksForFreshSignIn('/account')).toBe(false)
    expect(asksForFreshSignIn('/gateway/return?url=x')).toBe(false)
    expect(asksForFreshSignIn('/api/me')).toBe(false)
    expect(asksForFreshSignIn('/sso/loginx')).toBe(false)
  })
})

describe('autoContinueAllowed', () => {
  it('allows a target once in ten seconds', () => {
    sessionStorage.clear()
    expect(autoContinueAllowed('/a', 1000)).toBe(true)
    expect(autoContinueAllowed('/a', 5000)).toBe(false)
    expect(autoContinueAllowed('/b', 5000)).toBe(true)
    expect(autoContinueAllowed('/b', 16000)).toBe(true)
  })
  it('allows when storage is garbled', () => {
    sessionStorage.setItem('gatehouse.autoContinue', '{nope')
    expect(autoContinueAllowed('/a', 1)).toBe(true)
  })
})
