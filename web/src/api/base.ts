// basePath is the path prefix of the public URL ("" at the root). The server writes it into
// index.html as <meta name="gatehouse-base" content="/prefix"> when Gatehouse is served below
// a path; pages and API calls are made relative to it.
export function basePath(): string {
  const el = globalThis.document?.querySelector('meta[name="gatehouse-base"]')
  const v = el?.getAttribute('content') ?? ''
  return /^(\/[A-Za-z0-9._~-]+)+$/.test(v) ? v : ''
}
