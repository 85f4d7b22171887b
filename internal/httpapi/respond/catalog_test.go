package respond_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/gatehouse/gatehouse/internal/domain"
	"github.com/gatehouse/gatehouse/internal/httpapi/respond"
)

// declaredCodes parses package domain and returns the value of every constant of type Code,
// so that a code added without a catalog entry (or without joining AllCodes) fails here.
func declaredCodes(t *testing.T) map[domain.Code]string {
	t.Helper()
	fset := token.NewFileSet()
	dir := filepath.Join("..", "..", "domain")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	codes := map[domain.Code]string{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, filepath.Join(dir, e.Name()), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.CONST {
				continue
			}
			for _, spec := range gd.Specs {
				vs := spec.(*ast.ValueSpec)
				if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
					continue
				}
				for i, name := range vs.Names {
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						t.Fatalf("%s: not a string literal", name.Name)
					}
					v, _ := strconv.Unquote(lit.Value)
					codes[domain.Code(v)] = name.Name
				}
			}
		}
	}
	if len(codes) == 0 {
		t.Fatal("no Code constants found in package domain")
	}
	return codes
}

func TestCatalogCoversEveryDomainCode(t *testing.T) {
	declared := declaredCodes(t)
	inAll := map[domain.Code]bool{}
	for _, c := range domain.AllCodes {
		inAll[c] = true
	}
	for c, name := range declared {
		if !inAll[c] {
			t.Errorf("domain.%s is missing from domain.AllCodes", name)
		}
		if _, ok := respond.Lookup(c); !ok {
			t.Errorf("domain.%s (%q) has no catalog entry", name, c)
		}
	}
	if len(inAll) != len(declared) || len(domain.AllCodes) != len(declared) {
		t.Errorf("AllCodes has %d codes (%d distinct), domain declares %d", len(domain.AllCodes), len(inAll), len(declared))
	}
	if n := len(respond.Catalog()); n != len(declared) {
		t.Errorf("catalog has %d entries for %d codes", n, len(declared))
	}
}

func TestCatalogEntriesAreSound(t *testing.T) {
	numbers := map[int]domain.Code{}
	prev := 0
	for _, e := range respond.Catalog() {
		if other, dup := numbers[e.Number]; dup {
			t.Errorf("%d used by %s and %s", e.Number, other, e.Code)
		}
		numbers[e.Number] = e.Code
		if e.Number/100 != e.Status || e.Number%100 == 0 {
			t.Errorf("%s: number %d does not belong to status %d", e.Code, e.Number, e.Status)
		}
		if e.Status < 400 || e.Status > 599 {
			t.Errorf("%s: status %d is no error", e.Code, e.Status)
		}
		if e.Number <= prev {
			t.Errorf("Catalog not ordered at %s", e.Code)
		}
		prev = e.Number
		if e.English == "" || !strings.ContainsFunc(e.Chinese, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
			t.Errorf("%s: messages %q / %q", e.Code, e.English, e.Chinese)
		}
		if e.Message(respond.Chinese) != e.Chinese || e.Message(respond.English) != e.English {
			t.Errorf("%s: Message", e.Code)
		}
	}
	// The numbers promised to clients.
	fixed := map[domain.Code]int{
		domain.CodeInvalidInput: 40001, domain.CodeMalformedBody: 40002, domain.CodeUnsupportedMedia: 41501,
		domain.CodeBodyTooLarge: 41301, domain.CodeUnauthenticated: 40101, domain.CodeInvalidCredentials: 40102,
		domain.CodeCaptchaRequired: 40103, domain.CodeCaptchaInvalid: 40104, domain.CodeTokenInvalid: 40105,
		domain.CodeTokenExpired: 40106, domain.CodeSessionExpired: 40107, domain.CodeForbidden: 40301,
		domain.CodeNotFound: 40401, domain.CodeMethodNotAllowed: 40501, domain.CodeConflict: 40901,
		domain.CodeWeakPassword: 42201, domain.CodeTooManyRequests: 42901, domain.CodeInternal: 50001,
		domain.CodeUnavailable: 50301,
	}
	for c, n := range fixed {
		if e, _ := respond.Lookup(c); e.Number != n {
			t.Errorf("%s is %d, was promised as %d", c, e.Number, n)
		}
	}
}

// TestDocsListEveryCode keeps the catalog table of docs/api.md equal to the server's.
func TestDocsListEveryCode(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "..", "docs", "api.md"))
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(line, "| `") {
			continue
		}
		cells := strings.Split(strings.Trim(line, "|"), "|")
		for i := range cells {
			cells[i] = strings.TrimSpace(cells[i])
		}
		rows[strings.Trim(cells[0], "`")] = cells
	}
	for _, e := range respond.Catalog() {
		cells, ok := rows[string(e.Code)]
		if !ok {
			t.Errorf("docs/api.md lacks a row for %s", e.Code)
			continue
		}
		want := []string{"`" + string(e.Code) + "`", strconv.Itoa(e.Number), strconv.Itoa(e.Status), e.English, e.Chinese}
		if len(cells) < 6 || cells[5] == "" {
			t.Errorf("docs row of %s says not when it happens: %q", e.Code, cells)
			continue
		}
		for i, w := range want {
			if cells[i] != w {
				t.Errorf("docs row of %s, column %d: %q, want %q", e.Code, i+1, cells[i], w)
			}
		}
	}
}
