package cas

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"
)

// TestWireFormats compares the service responses with golden files (the logout request is
// internal/slo's).
func TestWireFormats(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ok := &success{User: "jack", Attributes: attributes{AuthenticationDate: at, IsFromNewLogin: true,
		UserID: "u1", Username: "jack", DisplayName: `Jack <"&">`, Email: "jack@example.com",
		Roles: []string{"EDITOR", "USER"}, Permissions: []string{"app:doc:*", "app:doc:read"}}}
	fail := &failure{codeInvalidTicket, "Ticket 'ST-<x>&]]>' not recognized."}
	for name, write := range map[string]func(http.ResponseWriter){
		"success.xml":  func(w http.ResponseWriter) { writeXML(w, ok, nil) },
		"failure.xml":  func(w http.ResponseWriter) { writeXML(w, nil, fail) },
		"success.json": func(w http.ResponseWriter) { writeJSON(w, ok, nil) },
		"failure.json": func(w http.ResponseWriter) { writeJSON(w, nil, fail) },
	} {
		rec := httptest.NewRecorder()
		write(rec)
		golden := "testdata/" + name
		if os.Getenv("UPDATE_GOLDEN") != "" {
			if err := os.WriteFile(golden, rec.Body.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(rec.Body.Bytes(), want) {
			t.Errorf("%s:\n%s\nwant\n%s", name, rec.Body.Bytes(), want)
		}
	}
}
