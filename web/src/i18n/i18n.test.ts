import { describe, expect, it, beforeEach } from 'vitest'
import { addMessages, detectLocale, locale, setLocale, storageKey, t } from './index'

describe('detectLocale', () => {
  it('prefers the stored choice', () => {
    expect(detectLocale('zh', ['en-US'])).toBe('zh')
  })
  it('takes the first supported browser language', () => {
    expect(detectLocale(null, ['fr-FR', 'zh-CN', 'en'])).toBe('zh')
    expect(detectLocale(null, ['de', 'en-GB'])).toBe('en')
  })
  it('ignores junk and falls back to English', () => {
    expect(detectLocale('xx', ['fr'])).toBe('en')
    expect(detectLocale(null, [])).toBe('en')
  })
})

describe('t', () => {
  beforeEach(() => setLocale('en'))
  it('translates and switches', () => {
    expect(t('app.language')).toBe('Language')
    setLocale('zh')
    expect(locale.value).toBe('zh')
    expect(t('app.language')).toBe('语言')
    expect(localStorage.getItem(storageKey)).toBe('zh')
    expect(document.documentElement.lang).toBe('zh-CN')
  })
  it('fills parameters and falls back', () => {
    expect(t('error.badAnswer', { status: 502 })).toContain('502')
    expect(t('no.such.key')).toBe('no.such.key')
  })
  it('merges another area’s messages', () => {
    addMessages({ en: { 'x.hello': 'Hello {name}' }, zh: { 'x.hello': '你好 {name}' } })
    expect(t('x.hello', { name: 'Ann' })).toBe('Hello Ann')
    setLocale('zh')
    expect(t('x.hello', { name: 'Ann' })).toBe('你好 Ann')
    addMessages({ en: { 'x.only': 'English only' } })
    expect(t('x.only')).toBe('English only')
  })
})
