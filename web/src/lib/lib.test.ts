import { describe, expect, it } from 'vitest'
import { describeAgent } from './agent'
import { checkNewPassword } from './password'

describe('describeAgent', () => {
  it('names common browsers and systems', () => {
    expect(describeAgent('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')).toEqual({ browser: 'Firefox', system: 'Linux' })
    expect(describeAgent('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36 Edg/130.0')).toEqual({ browser: 'Edge', system: 'Windows' })
    expect(describeAgent('Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1')).toEqual({ browser: 'Safari', system: 'iOS' })
    expect(describeAgent('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36')).toEqual({ browser: 'Chrome', system: 'Android' })
  })
  it('says nothing when it cannot tell', () => {
    expect(describeAgent('')).toEqual({ browser: '', system: '' })
    expect(describeAgent('<script>alert(1)</script>')).toEqual({ browser: '', system: '' })
  })
})

describe('checkNewPassword', () => {
  const policy = { min_length: 8, max_length: 16, forbid_username: true, forbid_common: true }
  it('accepts a good password', () => {
    expect(checkNewPassword('correct horse', 'correct horse', 'old', policy)).toEqual([])
  })
  it('counts characters for the minimum and bytes for the maximum', () => {
    expect(checkNewPassword('密码密码密码密码', '密码密码密码密码', 'x', { ...policy, max_length: 100 })).toEqual([])
    expect(checkNewPassword('密码密码密码密码', '密码密码密码密码', 'x', policy)).toEqual(['tooLong'])
    expect(checkNewPassword('short', 'short', 'x', policy)).toEqual(['tooShort'])
  })
  it('finds mismatches, reuse and control characters', () => {
    expect(checkNewPassword('long enough', 'long enougH', 'x', policy)).toEqual(['mismatch'])
    expect(checkNewPassword('same old pw', 'same old pw', 'same old pw', policy)).toEqual(['same'])
    expect(checkNewPassword('tab\there!!', 'tab\there!!', 'x', policy)).toEqual(['control'])
  })
})
