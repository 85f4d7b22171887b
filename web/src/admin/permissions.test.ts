import { describe, expect, it } from 'vitest'
import { allows, Perm, validPermission, visibleSections } from './permissions'

describe('allows (the server matcher, internal/domain/permission.go)', () => {
  const cases: [string[], string, boolean][] = [
    [['*'], 'gatehouse:users:read', true],
    [['gatehouse:*'], 'gatehouse:users:read', true],
    [['gatehouse:users:*'], 'gatehouse:users:read', true],
    [['gatehouse:users:*'], 'gatehouse:users:write', true],
    [['gatehouse:users:*'], 'gatehouse:systems:read', false],
    [['gatehouse:*:read'], 'gatehouse:audit:read', true],
    [['gatehouse:*:read'], 'gatehouse:audit:write', false],
    [['gatehouse:*:read'], 'gatehouse:read', false], // a middle '*' is exactly one segment
    [['gatehouse:users'], 'gatehouse:users:read', false], // no implicit prefix
    [['gatehouse:users:read'], 'gatehouse:users', false],
    [['gatehouse:users:read'], 'gatehouse:users:read', true],
    [['demo:*'], 'gatehouse:users:read', false],
    [['gatehouse:*'], 'gatehouse', false], // a trailing '*' needs at least one segment
    [[], 'gatehouse:users:read', false],
    [['*'], 'Gatehouse:Users:read', false], // invalid required codes are never allowed
    [['*'], '', false],
    [['*'], 'gatehouse::read', false],
    [['*'], 'gatehouse:users:', false],
    [['GATEHOUSE:*'], 'gatehouse:users:read', false], // invalid grants are dropped
    [['a:b:c:d:e:f:g:h:i'], 'a:b:c:d:e:f:g:h:i', false],
    [['a:b:c:d:e:f:g:*'], 'a:b:c:d:e:f:g:h', true],
  ]
  it.each(cases)('%j grants %s: %s', (codes, required, want) => {
    expect(allows(codes, required)).toBe(want)
  })
})

describe('validPermission', () => {
  it('accepts codes and refuses junk', () => {
    expect(validPermission('demo:article:edit')).toBe(true)
    expect(validPermission('*')).toBe(true)
    expect(validPermission('demo:*:read')).toBe(true)
    expect(validPermission('demo article')).toBe(false)
    expect(validPermission('x'.repeat(257))).toBe(false)
    expect(validPermission('Demo:x')).toBe(false)
  })
})

describe('visibleSections', () => {
  it('shows what the codes read', () => {
    expect(visibleSections(['*']).map((s) => s.id)).toEqual(['dashboard', 'users', 'roles', 'systems', 'sessions', 'audit'])
    expect(visibleSections([Perm.usersRead, 'gatehouse:audit:*']).map((s) => s.id)).toEqual(['users', 'audit'])
    expect(visibleSections(['gatehouse:users:write', 'demo:*'])).toEqual([])
  })
})
