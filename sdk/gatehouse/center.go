package gatehouse

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// CenterError is an answer of the center that is not a success: its HTTP status and the
// stable error code and message of its envelope.
type CenterError struct {
	Status int
	Code   int
	Msg    string
}

func (e *CenterError) Error() string {
	return fmt.Sprintf("gatehouse center: %d (code %d): %s", e.Status, e.Code, e.Msg)
}

// envelope is the center's answer to every API call.
type envelope struct {
	Code int             `json:"code"`
	Msg  string          `json:"msg"`
	Data json.RawMessage `json:"data"`
}

// maxAnswer bounds what the SDK reads of one answer of the center.
const maxAnswer = 1 << 20

// call sends one server-to-server request with the system's credentials (when basic) or a
// Bearer token, and decodes the data of the envelope into out.
func (c *Client) call(ctx context.Context, method, path string, body any, bearer string, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.cfg.CenterURL+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	} else {
		req.SetBasicAuth(c.cfg.SystemID, c.cfg.Secret)
	}
	resp, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("gatehouse center: %w", err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("gatehouse center: %w", err)
	}
	var env envelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return &CenterError{Status: resp.StatusCode, Code: -1, Msg: "not a Gatehouse answer"}
	}
	if resp.StatusCode >= 300 || env.Code != 0 {
		return &CenterError{Status: resp.StatusCode, Code: env.Code, Msg: env.Msg}
	}
	if out != nil {
		if err := json.Unmarshal(env.Data, out); err != nil {
			return fmt.Errorf("gatehouse center: unexpected answer to %s: %w", path, err)
		}
	}
	return nil
}

// Validation is what the center answers for a valid ticket.
type Validation struct {
	User             User      `json:"user"`
	Roles            []string  `json:"roles"`
	Permissions      []string  `json:"permissions"`
	SessionID        string    `json:"sid"`
	SessionExpiresAt time.Time `json:"session_expires_at"`
	AccessToken      string    `json:"access_token"`
	TokenType        string    `json:"token_type"`
	ExpiresIn        int       `json:"expires_in"`
	RefreshToken     string    `json:"refresh_token,omitempty"`
}

// Validate redeems a ticket at the center (POST /sso/validate). redirectURI must be the one
// the ticket was issued for and verifier the PKCE verifier of its challenge. A ticket is good
// for one attempt only.
func (c *Client) Validate(ctx context.Context, ticket, redirectURI, verifier string) (*Validation, error) {
	var v Validation
	body := map[string]string{"ticket": ticket, "redirect_uri": redirectURI, "code_verifier": verifier}
	if err := c.call(ctx, http.MethodPost, "/sso/validate", body, "", &v); err != nil {
		return nil, err
	}
	if v.User.ID == "" || v.SessionID == "" {
		return nil, errors.New("gatehouse center: validation without user or sid")
	}
	v.User.Roles, v.User.Permissions, v.User.SessionID = v.Roles, v.Permissions, v.SessionID
	return &v, nil
}

// Touch renews the center's global session sid (POST /sso/touch) and reports whether it is
// alive and until when.
func (c *Client) Touch(ctx context.Context, sid string) (alive bool, expiresAt time.Time, err error) {
	var out struct {
		Alive     bool      `json:"alive"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	if err := c.call(ctx, http.MethodPost, "/sso/touch", map[string]string{"sid": sid}, "", &out); err != nil {
		return false, time.Time{}, err
	}
	return out.Alive, out.ExpiresAt, nil
}

// UserByID asks the center for a user's details and status (GET /sso/users/{id}). Roles and
// permissions are not part of that answer.
func (c *Client) UserByID(ctx context.Context, id string) (*User, error) {
	var u User
	if err := c.call(ctx, http.MethodGet, "/sso/users/"+url.PathEscape(id), nil, "", &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// UserInfo asks the center who holds an access token (GET /sso/userinfo).
func (c *Client) UserInfo(ctx context.Context, accessToken string) (*User, error) {
	var doc struct {
		User
		Nested      *User    `json:"user"`
		Roles       []string `json:"roles"`
		Permissions []string `json:"permissions"`
	}
	if err := c.call(ctx, http.MethodGet, "/sso/userinfo", nil, accessToken, &doc); err != nil {
		return nil, err
	}
	u := doc.User
	if doc.Nested != nil {
		u = *doc.Nested
	}
	u.Roles, u.Permissions = doc.Roles, doc.Permissions
	return &u, nil
}
