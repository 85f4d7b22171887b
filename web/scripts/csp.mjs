// Checks that the built index.html works under the server's strict Content-Security-Policy
// (script-src 'self'; style-src 'self'): no inline script, no inline style, no event-handler
// attributes, every script and stylesheet from /assets/. Fails the build otherwise.
import { readFileSync } from 'node:fs'
import { join, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

const html = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'index.html'), 'utf8')
const problems = []
for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
  if (!/\bsrc="\/assets\/[^"]+\.js"/.test(m[1])) problems.push(`script without an /assets/ src: ${m[0].slice(0, 80)}`)
  if (m[2].trim()) problems.push(`inline script: ${m[2].trim().slice(0, 80)}`)
}
if (/<style\b/i.test(html)) problems.push('inline <style> element')
if (/\sstyle\s*=/i.test(html)) problems.push('style attribute')
if (/\son[a-z]+\s*=/i.test(html)) problems.push('event-handler attribute')
for (const m of html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*>/gi)) {
  if (!/href="\/assets\/[^"]+\.css"/.test(m[0])) problems.push(`stylesheet not from /assets/: ${m[0]}`)
}
if (problems.length) {
  console.error('csp: dist/index.html would break under the strict CSP:\n  ' + problems.join('\n  '))
  process.exit(1)
}
console.log('csp: dist/index.html has no inline script or style')
