// Package web holds the front end's sources (Vite, Vue 3, TypeScript) and embeds their build.
//
// `npm ci && npm run build` in this directory writes dist/; Dist is that directory as a file
// system, served by internal/httpapi/webui. A clone without Node has only the committed
// placeholder dist/.gitkeep: Dist is then empty of index.html, and the server falls back to
// its minimal server-rendered sign-in page. This package only embeds; it serves nothing.
package web
