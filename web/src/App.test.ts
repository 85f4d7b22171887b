import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import App from './App.vue'
import { setLocale, storageKey } from './i18n'

afterEach(() => {
  setLocale('en')
  vi.unstubAllGlobals()
})

describe('App', () => {
  it('switches the language from select#lang, remembers it and retitles the page', async () => {
    setLocale('en')
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [{ path: '/login', component: { template: '<p>page</p>' }, meta: { titleKey: 'login.title' } }],
    })
    await router.push('/login')
    const w = mount(App, { global: { plugins: [router] } })
    await flushPromises()
    const sel = w.find('select#lang')
    expect((sel.element as HTMLSelectElement).value).toBe('en')
    expect(document.title).toBe('Sign in · Gatehouse')
    await sel.setValue('zh')
    expect(localStorage.getItem(storageKey)).toBe('zh')
    expect(document.documentElement.lang).toBe('zh-CN')
    expect(document.title).toBe('登录 · Gatehouse')
    expect(w.find('.skip').text()).toBe('跳到正文')
  })
})
