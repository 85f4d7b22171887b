package webui

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
)

// contentTypes of the files a build holds; anything else is served as bytes.
var contentTypes = map[string]string{
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".jpg":   "image/jpeg",
	".webp":  "image/webp",
	".ico":   "image/x-icon",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".json":  "application/json",
	".txt":   "text/plain; charset=utf-8",
}

// compressible types are gzipped once at start-up.
var compressible = map[string]bool{".js": true, ".mjs": true, ".css": true, ".svg": true, ".json": true, ".txt": true}

type asset struct {
	body, gz    []byte
	contentType string
}

// assets holds every file of assets/ in memory: a build is a few hundred kilobytes.
type assets struct{ files map[string]*asset }

func loadAssets(files fs.FS) (*assets, error) {
	a := &assets{files: map[string]*asset{}}
	entries, err := fs.ReadDir(files, "assets")
	if err != nil {
		return a, nil // a build without assets: every asset is unknown
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || !validName(e.Name()) {
			continue
		}
		body, err := fs.ReadFile(files, "assets/"+e.Name())
		if err != nil {
			return nil, err
		}
		ext := strings.ToLower(path.Ext(e.Name()))
		f := &asset{body: body, contentType: contentTypes[ext]}
		if f.contentType == "" {
			f.contentType = "application/octet-stream"
		}
		if compressible[ext] && len(body) > 1024 {
			f.gz = gzipBytes(body)
		}
		a.files[e.Name()] = f
	}
	return a, nil
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return buf.Bytes()
}

// validName accepts the flat, hashed file names a build writes (index-3f2a1b.js): letters,
// digits, '.', '-' and '_', not starting with '.'. Anything else — "..", slashes, escapes,
// hidden files — is unknown.
func validName(s string) bool {
	if s == "" || len(s) > 200 || s[0] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// asset serves one file of assets/: immutable, gzipped when the client takes it.
func (h *Handler) asset(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, "/assets/")
	f := h.assets.files[name]
	if !ok || !validName(name) || f == nil {
		w.Header().Set("Cache-Control", pageCache)
		http.Error(w, "404 asset not found", http.StatusNotFound)
		return
	}
	hd := w.Header()
	hd.Set("Content-Type", f.contentType)
	hd.Set("Cache-Control", assetCache)
	hd.Set("X-Content-Type-Options", "nosniff")
	body := f.body
	if f.gz != nil {
		hd.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			hd.Set("Content-Encoding", "gzip")
			body = f.gz
		}
	}
	hd.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// acceptsGzip reads Accept-Encoding (RFC 9110 §12.5.3): gzip (or *) listed without q=0.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		q := strings.ReplaceAll(strings.ToLower(params), " ", "")
		if strings.HasPrefix(q, "q=0") && strings.Trim(strings.TrimPrefix(q, "q="), "0.") == "" {
			return false
		}
		return true
	}
	return false
}
