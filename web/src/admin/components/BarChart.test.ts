import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import BarChart from './BarChart.vue'

describe('BarChart', () => {
  it('is an image named by its title and description, one bar per bucket', () => {
    const values = [0, 3, 7, 2]
    const w = mount(BarChart, {
      props: { id: 'logins', title: 'Sign-ins', desc: '12 in total', values, labels: ['00:00', '01:00', '02:00', '03:00'], tone: 'logins' },
    })
    const svg = w.find('svg[data-test=chart-logins]')
    expect(svg.attributes('role')).toBe('img')
    expect(svg.attributes('aria-labelledby')).toBe('chart-logins-title chart-logins-desc')
    expect(w.find('#chart-logins-title').text()).toBe('Sign-ins')
    expect(w.find('#chart-logins-desc').text()).toBe('12 in total')
    const bars = w.findAll('[data-test=series-logins] rect')
    expect(bars).toHaveLength(4)
    const heights = bars.map((b) => Number(b.attributes('height')))
    expect(heights[0]).toBe(0)
    expect(heights[2]).toBeGreaterThan(heights[1])
    // the axis tops out at the nice maximum (10) and its ticks are whole numbers
    expect(w.findAll('.axis text').map((t) => t.text())).toEqual(['0', '2', '4', '6', '8', '10'])
  })

  it('draws an empty series without failing', () => {
    const w = mount(BarChart, { props: { id: 'locks', title: 'Lockouts', desc: '', values: [], labels: [], tone: 'locks' } })
    expect(w.findAll('[data-test=series-locks] rect')).toHaveLength(0)
    expect(w.findAll('.axis text').map((t) => t.text())).toEqual(['0', '1'])
  })
})
