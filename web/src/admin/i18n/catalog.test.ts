// The two catalogs hold the same keys, every key the console's sources name exists, and the
// placeholders of each message agree between the languages.
import { describe, expect, it } from 'vitest'
import en from './en'
import zh from './zh'

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort()

describe('admin catalogs', () => {
  it('have the same keys and placeholders', () => {
    expect(Object.keys(zh).sort()).toEqual(Object.keys(en).sort())
    for (const k of Object.keys(en)) expect(placeholders(zh[k]), k).toEqual(placeholders(en[k]))
  })

  it('translate every literal key the sources use', () => {
    const sources = import.meta.glob(['../**/*.vue', '../**/*.ts', '!../**/*.test.ts'], { query: '?raw', import: 'default', eager: true }) as Record<string, string>
    const used = new Set<string>()
    for (const src of Object.values(sources)) for (const m of src.matchAll(/'(admin\.[A-Za-z0-9_.]+)'/g)) used.add(m[1])
    expect(used.size).toBeGreaterThan(100)
    const missing = [...used].filter((k) => !(k in en) && !k.endsWith('.'))
    expect(missing).toEqual([])
  })
})
