import { describe, expect, it } from 'vitest'
import { bucketLabel, labelEvery, linePoints, niceMax, scaleY, slot, tickCount, ticks, type Frame } from './chart'

const f: Frame = { width: 100, height: 110, left: 0, right: 0, top: 10, bottom: 0 }

describe('niceMax', () => {
  it.each([
    [0, 1],
    [-5, 1],
    [NaN, 1],
    [1, 1],
    [3, 5],
    [7, 10],
    [10, 10],
    [11, 20],
    [21, 25],
    [26, 50],
    [99, 100],
    [101, 200],
    [2400, 2500],
    [10001, 20000],
  ])('%d → %d', (max, want) => {
    expect(niceMax(max)).toBe(want)
  })
})

describe('ticks', () => {
  it('spaces evenly from zero', () => {
    expect(ticks(100, 4)).toEqual([0, 25, 50, 75, 100])
    expect(ticks(1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1])
  })
})

describe('tickCount', () => {
  it('gives whole steps for every nice maximum', () => {
    for (const max of [0, 1, 2, 3, 7, 11, 21, 26, 99, 101, 2400, 10001, 123456]) {
      const top = niceMax(max)
      const ts = ticks(top)
      expect(ts[0]).toBe(0)
      expect(ts.at(-1)).toBe(top)
      for (const v of ts) expect(Number.isInteger(v), `${top}: ${ts}`).toBe(true)
      expect(ts.length).toBeLessThanOrEqual(6)
    }
    expect(ticks(1)).toEqual([0, 1])
    expect(ticks(2)).toEqual([0, 1, 2])
    expect(ticks(25)).toEqual([0, 5, 10, 15, 20, 25])
    expect(tickCount(100)).toBe(4)
  })
})

describe('scaleY', () => {
  it('puts zero at the bottom and the top at the top of the plot', () => {
    expect(scaleY(0, 50, f)).toBe(110)
    expect(scaleY(50, 50, f)).toBe(10)
    expect(scaleY(25, 50, f)).toBe(60)
  })
  it('clamps values outside the axis', () => {
    expect(scaleY(-3, 50, f)).toBe(110)
    expect(scaleY(80, 50, f)).toBe(10)
  })
})

describe('slot and linePoints', () => {
  it('divides the plot into equal slots', () => {
    expect(slot(0, 4, f)).toEqual({ x: 0, w: 25 })
    expect(slot(3, 4, f)).toEqual({ x: 75, w: 25 })
    expect(linePoints([0, 50], 50, f)).toBe('25,110 75,10')
  })
})

describe('bucketLabel', () => {
  const start = '2026-11-23T09:00:00Z'
  it('names hours for 24h and days otherwise', () => {
    const hour = bucketLabel(start, '24h', 'en')
    expect(hour).toMatch(/^\d\d:00$/)
    expect(bucketLabel(start, '7d', 'en')).toMatch(/Nov/)
    expect(bucketLabel(start, '30d', 'zh')).toMatch(/11月/)
  })
  it('leaves unparsable starts as they are', () => {
    expect(bucketLabel('soon', '24h', 'en')).toBe('soon')
  })
})

describe('labelEvery', () => {
  it('thins labels to at most eight', () => {
    expect(labelEvery(7)).toBe(1)
    expect(labelEvery(24)).toBe(3)
    expect(labelEvery(30)).toBe(4)
  })
})
