// The arithmetic of the dashboard charts, kept apart from the SVG so it can be tested: a
// "nice" axis maximum and its ticks, the mapping of values to pixels, and bucket labels.

/** niceMax rounds max up to 1, 2, 2.5 or 5 times a power of ten (at least 1). */
export function niceMax(max: number): number {
  if (!Number.isFinite(max) || max <= 1) return 1
  const pow = Math.pow(10, Math.floor(Math.log10(max)))
  for (const m of [1, 2, 2.5, 5, 10]) {
    if (m * pow >= max) return m * pow
  }
  return 10 * pow
}

/** tickCount divides a niceMax top into whole steps: counts are integers, so are the ticks. */
export function tickCount(top: number): number {
  if (top <= 5) return Math.max(1, Math.round(top))
  if (top % 4 === 0) return 4
  if (top % 5 === 0) return 5
  return 4
}

/** ticks are count+1 evenly spaced axis values from 0 to top. */
export function ticks(top: number, count = tickCount(top)): number[] {
  const out: number[] = []
  for (let i = 0; i <= count; i++) out.push(Math.round(((top * i) / count) * 100) / 100)
  return out
}

export interface Frame {
  width: number
  height: number
  left: number
  right: number
  top: number
  bottom: number
}

/** scaleY maps a value in [0, top] to a y pixel (0 at the bottom of the plot area). */
export function scaleY(v: number, top: number, f: Frame): number {
  const h = f.height - f.top - f.bottom
  const clamped = Math.max(0, Math.min(v, top))
  return f.top + h - (clamped / top) * h
}

/** slot is the x pixel range [x, width] of bar i of n across the plot area. */
export function slot(i: number, n: number, f: Frame): { x: number; w: number } {
  const plot = f.width - f.left - f.right
  const w = n > 0 ? plot / n : plot
  return { x: f.left + i * w, w }
}

/** linePoints are the "x,y" points of a polyline through the middle of each slot. */
export function linePoints(values: readonly number[], top: number, f: Frame): string {
  return values
    .map((v, i) => {
      const s = slot(i, values.length, f)
      return `${round(s.x + s.w / 2)},${round(scaleY(v, top, f))}`
    })
    .join(' ')
}

function round(n: number): number {
  return Math.round(n * 10) / 10
}

/** bucketLabel names a bucket: its hour for hourly ranges (24h), its day otherwise. */
export function bucketLabel(start: string, range: string, lang: string): string {
  const d = new Date(start)
  if (Number.isNaN(d.getTime())) return start
  const tag = lang === 'zh' ? 'zh-CN' : 'en-GB'
  if (range === '24h') {
    return new Intl.DateTimeFormat(tag, { hour: '2-digit', minute: '2-digit', hour12: false }).format(d)
  }
  return new Intl.DateTimeFormat(tag, { month: 'short', day: 'numeric' }).format(d)
}

/** labelEvery is how many buckets apart axis labels go so that at most max fit. */
export function labelEvery(n: number, max = 8): number {
  return n <= max ? 1 : Math.ceil(n / max)
}
