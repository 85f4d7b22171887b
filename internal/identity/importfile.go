package identity

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// ImportRow is one user read from an import file: the user, or why the row could not be read.
type ImportRow struct {
	Line int // CSV line or JSON array index (1-based)
	User NewUser
	Err  error
}

// importRecord is the shape of a row, shared by CSV columns and JSON fields.
type importRecord struct {
	Username     string   `json:"username"`
	DisplayName  string   `json:"display_name"`
	Email        string   `json:"email"`
	Password     string   `json:"password"`
	PasswordHash string   `json:"password_hash"`
	Status       string   `json:"status"`
	Roles        []string `json:"roles"`
}

var importColumns = []string{"username", "display_name", "email", "password", "password_hash", "status", "roles"}

func (r importRecord) toUser() (NewUser, error) {
	u := NewUser{Username: r.Username, DisplayName: r.DisplayName, Email: r.Email,
		Password: r.Password, PasswordHash: strings.TrimSpace(r.PasswordHash), Status: domain.UserStatus(r.Status)}
	for _, s := range r.Roles {
		if strings.TrimSpace(s) == "" {
			continue
		}
		ref, err := ParseRoleRef(s)
		if err != nil {
			return u, err
		}
		u.Roles = append(u.Roles, ref)
	}
	return u, nil
}

// ReadImport reads users from r in the given format, "csv" or "json". CSV has a header row
// naming some of the columns username, display_name, email, password, password_hash, status
// and roles (several roles separated by ';', each system:ROLE); JSON is an array of objects
// with the same field names (roles as an array). A row that cannot be read is yielded with its
// error and the reading goes on; an error of the whole file ends the sequence with Line 0.
func ReadImport(r io.Reader, format string) iter.Seq[ImportRow] {
	switch format {
	case "csv":
		return readCSV(r)
	case "json":
		return readJSON(r)
	}
	return func(yield func(ImportRow) bool) {
		yield(ImportRow{Err: domain.Errorf(domain.CodeInvalidInput, "unknown import format %q (csv or json)", format)})
	}
}

func readCSV(r io.Reader) iter.Seq[ImportRow] {
	return func(yield func(ImportRow) bool) {
		cr := csv.NewReader(r)
		cr.FieldsPerRecord = -1
		cr.ReuseRecord = true
		header, err := cr.Read()
		if err != nil {
			yield(ImportRow{Err: domain.Wrap(domain.CodeInvalidInput, err, "cannot read the CSV header")})
			return
		}
		index := map[string]int{}
		for i, h := range header {
			h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
			if !contains(importColumns, h) {
				yield(ImportRow{Err: domain.Errorf(domain.CodeInvalidInput, "unknown CSV column %q (known: %s)", h, strings.Join(importColumns, ", "))})
				return
			}
			index[h] = i
		}
		if _, ok := index["username"]; !ok {
			yield(ImportRow{Err: domain.Errorf(domain.CodeInvalidInput, "the CSV header has no username column")})
			return
		}
		for {
			rec, err := cr.Read()
			line, _ := cr.FieldPos(0)
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var pe *csv.ParseError
				if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrFieldCount) {
					if !yield(ImportRow{Line: pe.Line, Err: domain.Wrap(domain.CodeInvalidInput, err, "malformed CSV row")}) {
						return
					}
					continue
				}
			}
			if len(rec) != len(header) {
				if !yield(ImportRow{Line: line, Err: domain.Errorf(domain.CodeInvalidInput, "has %d fields, the header %d", len(rec), len(header))}) {
					return
				}
				continue
			}
			get := func(col string) string {
				if i, ok := index[col]; ok {
					return rec[i]
				}
				return ""
			}
			ir := importRecord{Username: get("username"), DisplayName: get("display_name"), Email: get("email"),
				Password: get("password"), PasswordHash: get("password_hash"), Status: get("status"),
				Roles: strings.Split(get("roles"), ";")}
			u, err := ir.toUser()
			if !yield(ImportRow{Line: line, User: u, Err: err}) {
				return
			}
		}
	}
}

func readJSON(r io.Reader) iter.Seq[ImportRow] {
	return func(yield func(ImportRow) bool) {
		dec := json.NewDecoder(r)
		dec.DisallowUnknownFields()
		if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
			yield(ImportRow{Err: domain.Errorf(domain.CodeInvalidInput, "a JSON import is an array of user objects")})
			return
		}
		for n := 1; dec.More(); n++ {
			var ir importRecord
			if err := dec.Decode(&ir); err != nil {
				var se *json.SyntaxError
				if errors.As(err, &se) || errors.Is(err, io.ErrUnexpectedEOF) {
					yield(ImportRow{Line: n, Err: domain.Wrap(domain.CodeInvalidInput, err, fmt.Sprintf("malformed JSON at element %d; the rest of the file is not read", n))})
					return
				}
				if !yield(ImportRow{Line: n, Err: domain.Wrap(domain.CodeInvalidInput, err, "bad element")}) {
					return
				}
				continue
			}
			u, err := ir.toUser()
			if !yield(ImportRow{Line: n, User: u, Err: err}) {
				return
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
