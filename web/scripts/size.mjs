// Measures the gzipped JavaScript that the sign-in page loads: the entry of dist/index.html
// and every chunk it imports statically (the lazy admin and account chunks are not loaded on
// /login). Fails when over the budget.
import { readFileSync, existsSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const budget = 100 * 1024
const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist')
const manifestPath = join(dist, '.vite', 'manifest.json')
if (!existsSync(manifestPath)) {
  console.error('size: dist/.vite/manifest.json is missing; run vite build first')
  process.exit(1)
}
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'))
const entryKey = Object.keys(manifest).find((k) => manifest[k].isEntry)
const seen = new Set()
// walk the static imports of the entry and of the login page (imported statically by the router)
function walk(key) {
  if (seen.has(key)) return
  seen.add(key)
  for (const k of manifest[key].imports ?? []) walk(k)
}
walk(entryKey)
let raw = 0
let gz = 0
const rows = []
for (const k of seen) {
  const file = manifest[k].file
  if (!file.endsWith('.js')) continue
  const b = readFileSync(join(dist, file))
  const g = gzipSync(b, { level: 9 }).length
  raw += b.length
  gz += g
  rows.push(`  ${file}  ${(b.length / 1024).toFixed(1)} KB raw, ${(g / 1024).toFixed(1)} KB gzip`)
}
console.log(`login page JavaScript (entry + static imports):\n${rows.join('\n')}`)
console.log(`login page JavaScript: ${(gz / 1024).toFixed(1)} KB gzipped (${(raw / 1024).toFixed(1)} KB raw), budget ${budget / 1024} KB`)
if (gz > budget) {
  console.error(`size: over budget by ${((gz - budget) / 1024).toFixed(1)} KB`)
  process.exit(1)
}
