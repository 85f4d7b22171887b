package e2e

import (
	"context"
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/openapi"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

// The OpenAPI document (GET /api/openapi.json) is checked against the code three ways: it is a
// valid OpenAPI 3.1 document whose error codes are the catalog's; every documented operation
// is served by the running App; every /api/ route the code registers is documented.

// loadOpenAPI parses and validates the embedded document.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document())
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() || doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi.json is version %q, want 3.1.0", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI document: %v", err)
	}
	return doc
}

// documentedOp is one (method, path) of the document.
type documentedOp struct {
	method, path string
	op           *openapi3.Operation
}

func documentedOps(doc *openapi3.T) []documentedOp {
	var out []documentedOp
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			out = append(out, documentedOp{method, path, op})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].path+" "+out[i].method < out[j].path+" "+out[j].method
	})
	return out
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := loadOpenAPI(t)
	known := map[domain.Code]bool{}
	for _, c := range domain.AllCodes {
		known[c] = true
	}
	for _, d := range documentedOps(doc) {
		what := d.method + " " + d.path
		if d.op.Summary == "" || len(d.op.Tags) != 1 || d.op.Security == nil {
			t.Errorf("%s: needs a summary, one tag and a security requirement", what)
		}
		raw, _ := d.op.Extensions["x-error-codes"].([]any)
		if len(raw) == 0 {
			t.Errorf("%s: no x-error-codes", what)
		}
		// Every listed code exists (domain.AllCodes, internal/domain/error.go) and appears, by
		// its number, in the response of its status.
		for _, v := range raw {
			name, _ := v.(string)
			e, ok := respond.Lookup(domain.Code(name))
			if !known[domain.Code(name)] || !ok {
				t.Errorf("%s: error code %q is not in the catalog", what, name)
				continue
			}
			resp := d.op.Responses.Status(e.Status)
			if resp == nil || resp.Value == nil || !strings.Contains(*resp.Value.Description, "`"+name+"` ("+strconv.Itoa(e.Number)+")") {
				t.Errorf("%s: error %s (%d) is not described in its %d response", what, name, e.Number, e.Status)
			}
		}
		for _, p := range d.op.Parameters {
			if p.Value.In == "path" && !strings.Contains(d.path, "{"+p.Value.Name+"}") {
				t.Errorf("%s: path parameter %s is not in the path", what, p.Value.Name)
			}
		}
	}
}

// TestOpenAPIOperationsAreServed requests every documented operation from the running App
// with its method and a concrete path, anonymously, and checks that a route answered: not the
// unknown-route 404 of /api/, not a 405; that the answer is one the document describes for
// the operation (status, and the error code among those listed for it); and, from /metrics,
// that the route pattern that served it is the documented one.
func TestOpenAPIOperationsAreServed(t *testing.T) {
	doc := loadOpenAPI(t)
	srv := startServer(t, backends[0], nil)

	resp, err := http.Get(srv.URL() + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" ||
		!strings.Contains(resp.Header.Get("Cache-Control"), "max-age=") || string(body) != string(openapi.Document()) {
		t.Fatalf("GET /api/openapi.json: %d %q %q, %d bytes", resp.StatusCode, resp.Header.Get("Content-Type"),
			resp.Header.Get("Cache-Control"), len(body))
	}
	req, _ := http.NewRequest("GET", srv.URL()+"/api/openapi.json", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	if r2, err := http.DefaultClient.Do(req); err != nil || r2.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: %v %v", r2, err)
	} else {
		r2.Body.Close()
	}

	chk := newAnswerChecker(t, doc)
	wildcard := regexp.MustCompile(`\{[^}]+\}`)
	ops := documentedOps(doc)
	for _, d := range ops {
		path := wildcard.ReplaceAllString(d.path, "openapi-probe")
		req, _ := http.NewRequest(d.method, srv.URL()+path, nil)
		status, hdr, raw := chk.send(req)
		resp := &http.Response{StatusCode: status, Header: hdr}
		chk.validate(d, req, status, hdr, raw) // the anonymous answer is one the document describes
		var env struct {
			Code int `json:"code"`
			Data struct {
				Detail string `json:"detail"`
			} `json:"data"`
		}
		json.Unmarshal(raw, &env)
		what := d.method + " " + d.path
		switch {
		case resp.StatusCode == http.StatusMethodNotAllowed:
			t.Errorf("%s is documented but answers 405 (Allow: %s)", what, resp.Header.Get("Allow"))
		case resp.StatusCode == http.StatusNotFound && env.Code == 40401 && env.Data.Detail == "no such endpoint":
			t.Errorf("%s is documented but no route serves it (the unknown-route 404)", what)
		case resp.StatusCode == http.StatusNotFound && !strings.HasPrefix(d.path, "/api/"):
			t.Errorf("%s is documented but answers 404: %.200s", what, raw)
		}
	}

	// The metrics name the pattern that served each request.
	resp, err = http.Get(srv.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, d := range ops {
		if !strings.Contains(string(metrics), `route="`+d.method+" "+d.path+`"`) &&
			!strings.Contains(string(metrics), `route="`+d.path+`"`) { // a pattern for every method
			t.Errorf("%s %s: no route of that pattern served the request (see gatehouse_http_requests_total)", d.method, d.path)
		}
	}
}

// TestOpenAPIDocumentsEveryRoute collects the /api/ route patterns the code registers, by
// parsing the Go sources under internal/ (internal/httpapi and internal/app mount the faces;
// a service may mount its own status route, as internal/slo does), and compares them with the
// document in both directions.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	doc := loadOpenAPI(t)
	code := routePatterns(t, "..")
	if len(code) == 0 {
		t.Fatal("no route pattern found in the sources")
	}
	documented := map[string]bool{}     // "METHOD /path"
	documentedPath := map[string]bool{} // "/path"
	for _, d := range documentedOps(doc) {
		if strings.HasPrefix(d.path, "/api/") {
			documented[d.method+" "+d.path] = true
			documentedPath[d.path] = true
		}
	}
	var missing, extra []string
	served := map[string]bool{}
	for pat, where := range code {
		method, path, ok := strings.Cut(pat, " ")
		if !ok { // a pattern for every method: documented with one or more of them
			path, method = pat, ""
		}
		path = strings.ReplaceAll(path, "...}", "}")
		if method == "" {
			if !documentedPath[path] {
				missing = append(missing, pat+"  ("+where+")")
			}
			served[path] = true
			continue
		}
		if !documented[method+" "+path] {
			missing = append(missing, pat+"  ("+where+")")
		}
		served[method+" "+path] = true
	}
	for op := range documented {
		_, path, _ := strings.Cut(op, " ")
		if !served[op] && !served[path] {
			extra = append(extra, op)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 {
		t.Errorf("routes registered in the code but not in openapi.json (add them to internal/httpapi/openapi/spec and run go generate):\n  %s",
			strings.Join(missing, "\n  "))
	}
	if len(extra) > 0 {
		t.Errorf("operations in openapi.json that no code registers:\n  %s", strings.Join(extra, "\n  "))
	}
	t.Logf("%d route patterns under /api/ in the code, %d documented operations under /api/", len(code), len(documented))
}

// apiPattern is a ServeMux pattern of the native API, with or without a method.
var apiPattern = regexp.MustCompile(`^(?:(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) )?/api/\S*$`)

// notRoutes are /api/ patterns of the sources that register no operation of their own.
var notRoutes = map[string]string{
	"/api/": "the catch-all that answers unknown paths (respond.Fallback)",
}

// skipDirs hold /api/ strings that are not routes of Gatehouse: the description of the
// document itself, the tests, and the demo sub-systems (their own servers, with their own /api/).
var skipDirs = []string{"httpapi/openapi/spec", "e2e", "demo"}

// routePatterns finds the route patterns of the native API in the non-test Go files under
// dirs, folding concatenations of string constants:
//   - "METHOD /api/…" passed to any call (mux.Handle, mux.HandleFunc or a wrapper such as
//     authapi's post and guarded) or listed in a composite literal (a route table);
//   - "/api/…" without a method (a route for every method) passed as the first argument of a
//     Handle or HandleFunc call (other such strings are cookie paths, links, prefixes).
//
// It maps each pattern to where it was found.
func routePatterns(t *testing.T, dirs ...string) map[string]string {
	t.Helper()
	byDir := map[string][]*ast.File{}
	fset := token.NewFileSet()
	for _, root := range dirs {
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				for _, skip := range skipDirs {
					if filepath.ToSlash(path) == filepath.ToSlash(filepath.Join(root, skip)) {
						return filepath.SkipDir
					}
				}
				return nil
			}
			if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
				return nil
			}
			f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
			if err != nil {
				return err
			}
			byDir[filepath.Dir(path)] = append(byDir[filepath.Dir(path)], f)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	found := map[string]string{}
	for _, files := range byDir {
		consts := packageConsts(files)
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				var exprs []ast.Expr
				muxArg := -1 // the index of the pattern of a Handle or HandleFunc call
				switch x := n.(type) {
				case *ast.CallExpr:
					exprs = x.Args
					if sel, ok := x.Fun.(*ast.SelectorExpr); ok && (sel.Sel.Name == "Handle" || sel.Sel.Name == "HandleFunc") {
						muxArg = 0
					}
				case *ast.CompositeLit:
					exprs = x.Elts
				case *ast.KeyValueExpr:
					exprs = []ast.Expr{x.Key, x.Value}
				}
				for i, e := range exprs {
					s, ok := foldString(e, consts)
					if !ok {
						continue
					}
					m := apiPattern.FindStringSubmatch(s)
					if m == nil || m[1] == "" && i != muxArg {
						continue
					}
					if _, skip := notRoutes[s]; skip {
						continue
					}
					pos := fset.Position(e.Pos())
					found[s] = filepath.ToSlash(strings.TrimPrefix(pos.Filename, "../")) + ":" + strconv.Itoa(pos.Line)
				}
				return true
			})
		}
	}
	return found
}

// packageConsts are the string constants of a package's files, by name.
func packageConsts(files []*ast.File) map[string]string {
	consts := map[string]string{}
	for changed := true; changed; { // constants may be defined from later ones
		changed = false
		for _, f := range files {
			for _, decl := range f.Decls {
				g, ok := decl.(*ast.GenDecl)
				if !ok || g.Tok != token.CONST {
					continue
				}
				for _, spec := range g.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, name := range vs.Names {
						if i >= len(vs.Values) {
							continue
						}
						if _, done := consts[name.Name]; done {
							continue
						}
						if s, ok := foldString(vs.Values[i], consts); ok {
							consts[name.Name] = s
							changed = true
						}
					}
				}
			}
		}
	}
	return consts
}

// foldString evaluates a string literal, a known constant, or a + of those.
func foldString(e ast.Expr, consts map[string]string) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(x.Value)
		return s, err == nil
	case *ast.Ident:
		s, ok := consts[x.Name]
		return s, ok
	case *ast.ParenExpr:
		return foldString(x.X, consts)
	case *ast.BinaryExpr:
		if x.Op != token.ADD {
			return "", false
		}
		a, ok1 := foldString(x.X, consts)
		b, ok2 := foldString(x.Y, consts)
		return a + b, ok1 && ok2
	}
	return "", false
}

// TestOpenAPIRouteCollector runs the collector on sources written for it: the forms of
// registration it must see, and the /api/ strings that are not routes.
func TestOpenAPIRouteCollector(t *testing.T) {
	dir := t.TempDir()
	src := map[string]string{
		"a/a.go": `package a
const prefix = "/api/things"
const item = prefix + "/{id}"
const cookiePath = "/api/auth/refresh" // a cookie path, not a route
func Mount(mux *http.ServeMux) {
	mux.HandleFunc("GET " + prefix, nil)
	mux.Handle("DELETE "+item, nil)
	mux.Handle("/api/any", nil)
	mux.Handle("/api/", nil)
	setCookie(cookiePath)
	post("POST /api/wrapped", nil)
	link("/api/docs") // not a mux call: not a route
	for _, r := range []struct{ p string }{{"PATCH /api/table/{rest...}"}} { _ = r }
	_ = map[string]int{"PUT /api/keyed": 1}
	// "GET /api/comment" is a comment
}`,
		"a/a_test.go":               `package a; var _ = f("GET /api/in-a-test")`,
		"httpapi/openapi/spec/s.go": `package spec; var _ = f("GET /api/described")`,
	}
	for name, body := range src {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := slices.Sorted(maps.Keys(routePatterns(t, dir)))
	want := []string{"/api/any", "DELETE /api/things/{id}", "GET /api/things", "PATCH /api/table/{rest...}",
		"POST /api/wrapped", "PUT /api/keyed"}
	if !slices.Equal(got, want) {
		t.Fatalf("collected %q\nwant      %q", got, want)
	}
}
