package ohris_test

import (
	"bytes"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/ohris"
)

// FuzzReader feeds the reader arbitrary bytes. It must never panic, must
// stop with an error or yield users, and every user it reads without a
// problem and that passes its own checks must survive a write and a read
// unchanged.
func FuzzReader(f *testing.F) {
	seed, err := os.ReadFile("testdata/seed-example.xml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte("<utilisateurs></utilisateurs>"))
	f.Add([]byte("\uFEFF<utilisateurs><utilisateur><nom>a&amp;b&#xD;</nom><x/></utilisateur></utilisateurs>"))
	f.Add([]byte("<utilisateurs><utilisateur><services><service><code>A</code><code>B</code></service>x</services></utilisateur></utilisateurs>"))
	f.Add([]byte("<utilisateurs><utilisateur><dateDebutContrat>2024-02-30</dateDebutContrat><enfants><enfant/></enfants></utilisateur>"))
	f.Add([]byte(`<?xml version="1.0" encoding="ISO-8859-1"?><utilisateurs/>`))
	f.Add([]byte(`<!DOCTYPE x><utilisateurs/>`))
	f.Fuzz(func(t *testing.T, in []byte) {
		var good []ohris.User
		for u, err := range ohris.NewReader(bytes.NewReader(in)).Users() {
			var ve *ohris.ValidationError
			if err != nil && !errors.As(err, &ve) {
				return // a fatal error ends the reading
			}
			if err == nil {
				if w := ohris.NewWriter(new(bytes.Buffer)); w.Write(u) == nil {
					good = append(good, u)
				}
			}
		}
		var buf bytes.Buffer
		w := ohris.NewWriter(&buf)
		for _, u := range good {
			if err := w.Write(u); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		var back []ohris.User
		for u, err := range ohris.NewReader(&buf).Users() {
			if err != nil {
				t.Fatalf("reading back what was written: %v\n%s", err, buf.Bytes())
			}
			back = append(back, u)
		}
		if len(good) > 0 && !reflect.DeepEqual(back, good) {
			t.Fatalf("round trip changed the users:\n%+v\n%+v", good, back)
		}
		if _, err := ohris.Check(ohris.Users(good), ohris.References{}); err != nil {
			t.Fatal(err)
		}
	})
}

// FuzzWriterText writes a user with arbitrary text in every text field.
// Whatever the writer accepts, the reader gives back unchanged.
func FuzzWriterText(f *testing.F) {
	f.Add("DUPONT", "Corine", "a@b.fr", "DG")
	f.Add("O'Brien & <Fils>", "Zoë\r\n", "]]>", "\t")
	f.Add("\x00", "\xff", "\uFFFE", "日本")
	f.Fuzz(func(t *testing.T, nom, prenom, mail, code string) {
		u := seedUsers()[1]
		u.LastName, u.FirstName, u.Email, u.Services[0].Code = nom, prenom, ohris.Some(mail), code
		var buf bytes.Buffer
		w := ohris.NewWriter(&buf)
		if w.Write(u) != nil {
			return
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		got := readAll(t, &buf)
		if len(got) != 1 || !reflect.DeepEqual(got[0], u) {
			t.Fatalf("wrote %+v, read %+v", u, got)
		}
	})
}

// FuzzNewClientURL gives NewClient arbitrary addresses: it never panics,
// and what it refuses is ErrInvalid without repeating a password.
func FuzzNewClientURL(f *testing.F) {
	for _, s := range []string{"sftp://h", "sftp://h:2222/~/x", "h:22", "sftp://u:pw@h/", "sftp://[::1]:22/a?b", "sftp://%zz", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		_, err := ohris.NewClient(raw, ohris.WithPassword("u", "pw"), ohris.WithHostKeyFingerprint("SHA256:"+strings.Repeat("A", 43)))
		if err != nil && !errors.Is(err, ohris.ErrInvalid) {
			t.Fatalf("%q: %v is not ErrInvalid", raw, err)
		}
	})
}
