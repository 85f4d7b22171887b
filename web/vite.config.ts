/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The build lands in dist/, embedded by the Go package web (web/embed.go). Asset names carry
// a content hash so the server may cache them for a year; index.html is never cached.
export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: false, // keep dist/.gitkeep; scripts/clean.mjs empties the rest
    assetsDir: 'assets',
    target: 'es2020',
    sourcemap: false,
    // No preload helper and one CSS file: lazy chunks are then loaded by plain relative
    // import("./chunk.js") calls, so the same build works below any base path (the server
    // rewrites only index.html), and no inline script is ever needed under the strict CSP.
    modulePreload: false,
    cssCodeSplit: false,
    manifest: true, // read by scripts/size.mjs
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080', '/sso': 'http://127.0.0.1:8080', '/cas': 'http://127.0.0.1:8080', '/oidc': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
})
