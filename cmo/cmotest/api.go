package cmotest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/hrbridge/hrbridge/cmo"
)

// serveToken issues a token for a login and password (POST /api/token with
// {"login": ..., "password": ...}). The answer is the token as a JSON
// string; the seed does not show it.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		apiError(w, http.StatusMethodNotAllowed, "The requested resource does not support http method '"+r.Method+"'.")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
	s.record(r, body)
	var creds struct {
		Login    string `json:"login"`
		Password string `json:"password"`
	}
	if err != nil || json.Unmarshal(body, &creds) != nil {
		apiError(w, http.StatusBadRequest, "The request is invalid.")
		return
	}
	s.mu.Lock()
	a, ok := s.checkLogin(creds.Login, creds.Password)
	if !ok {
		s.mu.Unlock()
		apiError(w, http.StatusUnauthorized, "Login or password is incorrect.")
		return
	}
	exp := s.now().Add(s.tokenExpiry)
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"subject": a.id,
		// A float, as in the seed's sample token ("exp":1495795178.0).
		"exp": json.Number(strconv.FormatInt(exp.Unix(), 10) + ".0"),
	}).SignedString(s.secret)
	s.tokens++
	s.mu.Unlock()
	if err != nil {
		apiError(w, http.StatusInternalServerError, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, tok)
}

// serveExport answers GET /api/export/exportusers.
func (s *Server) serveExport(w http.ResponseWriter, r *http.Request) {
	s.record(r, nil)
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		apiError(w, http.StatusMethodNotAllowed, "The requested resource does not support http method '"+r.Method+"'.")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, status := s.authorize(r.Header.Get("Authorization"))
	switch status {
	case http.StatusUnauthorized:
		w.Header().Set("WWW-Authenticate", "Bearer")
		apiError(w, status, "Authorization has been denied for this request.")
		return
	case http.StatusForbidden:
		apiError(w, status, "User "+a.login+" does not have the permissions Allow Edit Users and Allow Edit User Assignments.")
		return
	}
	q := r.URL.Query()
	page, perPage := 1, cmo.DefaultPerPage
	var from, to time.Time
	var err error
	if v := q.Get("page"); v != "" {
		if page, err = strconv.Atoi(v); err != nil || page < 1 {
			apiError(w, http.StatusBadRequest, "page must be a whole number from 1.")
			return
		}
	}
	if v := q.Get("perPage"); v != "" {
		if perPage, err = strconv.Atoi(v); err != nil || perPage < 1 || perPage > cmo.MaxPerPage {
			apiError(w, http.StatusBadRequest, "perPage must be a whole number from 1 to 300.")
			return
		}
	}
	for _, p := range [...]struct {
		name string
		t    *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := q.Get(p.name); v != "" {
			if *p.t, err = time.ParseInLocation(cmo.TimeLayout, v, time.UTC); err != nil {
				apiError(w, http.StatusBadRequest, p.name+" must be yyyy-MM-dd HH:mm:ss (UTC).")
				return
			}
		}
	}
	var match []*User
	for _, u := range s.users {
		m := u.Modified.Truncate(time.Second)
		if (from.IsZero() || !m.Before(from)) && (to.IsZero() || !m.After(to)) {
			match = append(match, u)
		}
	}
	out := []map[string]any{}
	if skip := (page - 1) * perPage; skip < len(match) {
		for _, u := range match[skip:min(skip+perPage, len(match))] {
			out = append(out, exportJSON(u))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// authorize checks a bearer token: HS256 signed with the current secret,
// not expired on the server's clock, naming an account that may export.
// s.mu is held.
func (s *Server) authorize(header string) (account, int) {
	tok, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return account{}, http.StatusUnauthorized
	}
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(strings.TrimSpace(tok), claims, func(*jwt.Token) (any, error) { return s.secret, nil },
		jwt.WithValidMethods([]string{"HS256"}), jwt.WithExpirationRequired(), jwt.WithTimeFunc(s.now))
	if err != nil {
		return account{}, http.StatusUnauthorized
	}
	id, ok := claims["subject"].(float64)
	if !ok {
		return account{}, http.StatusUnauthorized
	}
	for _, a := range s.accounts {
		if float64(a.id) == id {
			if !a.canExport {
				return a, http.StatusForbidden
			}
			return a, http.StatusOK
		}
	}
	return account{}, http.StatusUnauthorized
}

// exportJSON is a user of the export: the fields last sent, as sent (but
// the password), its assignments, and the time of its last modification.
// The seed does not show the export's JSON; this is the fake's choice.
func exportJSON(u *User) map[string]any {
	m := make(map[string]any, len(u.Fields)+3)
	for k, v := range u.Fields {
		if k != "Password" {
			m[k] = v
		}
	}
	m["LoginName"] = u.LoginName
	as := make([]map[string]string, 0, len(u.Assignments))
	for _, a := range u.Assignments {
		as = append(as, map[string]string{"UserRole": a.UserRole, "OrgUnit": a.OrgUnit, "Entity": a.Entity})
	}
	m["Assignments"] = as
	m["LastModified"] = u.Modified.UTC().Format(cmo.TimeLayout)
	return m
}

// apiError answers an ASP.NET Web API error: {"Message": "..."}.
func apiError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"Message": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, fmt.Sprint(err), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}
