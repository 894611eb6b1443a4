package ohris_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/hrbridge/hrbridge/ohris"
)

// readResult reads a whole file and returns the users, the problems of each
// user (by field) and the error that stopped the reading.
func readResult(in string) (users []ohris.User, problems []string, err error) {
	for u, uerr := range ohris.NewReader(strings.NewReader(in)).Users() {
		var ve *ohris.ValidationError
		switch {
		case errors.As(uerr, &ve):
			for _, p := range ve.Report.Problems {
				problems = append(problems, p.Field+": "+p.Reason)
			}
		case uerr != nil:
			return users, problems, uerr
		}
		users = append(users, u)
	}
	return users, problems, nil
}

func seedFile(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile("testdata/seed-example.xml")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestReaderFatalErrors(t *testing.T) {
	seed := seedFile(t)
	for _, tc := range []struct{ name, in, want string }{
		{"empty", "", "the file is empty"},
		{"not XML", "hello", "does not start with <utilisateurs>"},
		{"other root", `<users></users>`, "does not start with <utilisateurs>"},
		{"latin-1", `<?xml version="1.0" encoding="ISO-8859-1"?><utilisateurs></utilisateurs>`, "ISO-8859-1"},
		{"invalid UTF-8", "<utilisateurs><utilisateur><nom>\xff</nom></utilisateur></utilisateurs>", "invalid UTF-8"},
		{"truncated", seed[:len(seed)/2], "line"},
		{"unclosed root", "<utilisateurs>", "unexpected EOF"},
		{"mismatched tags", "<utilisateurs><utilisateur><nom>A</prenom></utilisateur></utilisateurs>", "line 1"},
		{"other element in the list", "<utilisateurs><user/></utilisateurs>", "only <utilisateur> elements"},
		{"text in the list", "<utilisateurs>hello</utilisateurs>", "text in <utilisateurs>"},
		{"after the end", "<utilisateurs></utilisateurs><utilisateurs>", "content after </utilisateurs>"},
		{"entity expansion", `<!DOCTYPE u [<!ENTITY a "aaaa">]><utilisateurs></utilisateurs>`, "directive is not allowed"},
		{"unknown entity", "<utilisateurs><utilisateur><nom>&nbsp;</nom></utilisateur></utilisateurs>", "entity"},
		{"namespace", `<utilisateurs xmlns:x="urn:x"><x:utilisateur></x:utilisateur></utilisateurs>`, "namespace"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := readResult(tc.in)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want it to mention %q", err, tc.want)
			}
			if err != nil && !strings.HasPrefix(err.Error(), "ohris: ") {
				t.Errorf("err = %v, want an ohris error", err)
			}
		})
	}
}

func TestReaderGivesThePosition(t *testing.T) {
	in := "<utilisateurs>\n<utilisateur>\n<nom>A</nom>\n<prenom>B</nom>\n"
	_, _, err := readResult(in)
	if err == nil || !strings.Contains(err.Error(), "line 4") {
		t.Errorf("err = %v, want line 4", err)
	}
}

// A user that oHRis would ignore is yielded with its problems, and the
// reading goes on to the next user.
func TestReaderUserProblems(t *testing.T) {
	seed := seedFile(t)
	in := strings.NewReplacer(
		"<dateDebutContrat>2022-01-01<", "<dateDebutContrat>01/01/2022<",
		"<prenom>CORINE</prenom>", "<prenom>CORINE</prenom><prénom>C</prénom><nom>X</nom>",
		"<code>SEC</code>", "<code>SEC</code><code>S</code><chef/>",
		"<module>Absence</module>\n      </modules>", "<module>Absence</module><mod/>x</modules>",
		"<enfant>2006-08-17</enfant>", "<enfant>2006-8-17</enfant>",
		"<login>cdupont</login>", "<login><b>cdupont</b></login>",
	).Replace(seed)
	users, problems, err := readResult(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(users) != 2 {
		t.Fatalf("%d users", len(users))
	}
	want := []string{
		"prénom: is not an element of the flux",
		"nom: is given twice",
		"login: holds an element where text is expected",
		"services/service[2]/code: is given twice",
		"services/service[2]/chef: is not an element of the flux",
		"dateDebutContrat: is not a date written YYYY-MM-DD",
		"modules/mod: is not an element of the flux",
		"modules: holds text where elements are expected",
		"enfants/enfant[1]: is not a date written YYYY-MM-DD",
	}
	if got := strings.Join(problems, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	if users[1].Login != "pmartin" || users[0].Services[1].Code != "SEC" {
		t.Errorf("users = %+v", users)
	}
	// Check takes the reader's problems as the user's, once per field.
	rep, err := ohris.Check(ohris.NewReader(strings.NewReader(in)).Users(), ohris.References{})
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	for _, p := range rep.Problems {
		fields = append(fields, p.Field)
		if p.Index != 1 || p.EmployeeNumber != "1007" || p.Company != "SOC-A" {
			t.Errorf("problem not tied to user 1: %+v", p)
		}
	}
	if rep.Ignored() != 1 || strings.Count(strings.Join(fields, ","), "dateDebutContrat") != 1 {
		t.Errorf("report:\n%s", rep)
	}
}

func TestReaderEmptyAndAbsentElements(t *testing.T) {
	in := `<?xml version="1.0"?><!-- comment --><utilisateurs><utilisateur>
	<matricule>1</matricule><enfants></enfants><services/></utilisateur></utilisateurs>`
	users, problems, err := readResult(in)
	if err != nil || len(problems) != 0 || len(users) != 1 {
		t.Fatalf("users %v, problems %v, err %v", users, problems, err)
	}
	u := users[0]
	if ds, ok := u.Children.Get(); !ok || len(ds) != 0 || u.Email.IsSet() || u.ContractEnd.IsSet() {
		t.Errorf("user = %+v", u)
	}
	if u.Services == nil || len(u.Services) != 0 {
		t.Errorf("services = %#v, want empty", u.Services)
	}
}

func TestReaderBOM(t *testing.T) {
	users, _, err := readResult("\uFEFF" + seedFile(t))
	if err != nil || len(users) != 2 {
		t.Errorf("users %d, err %v", len(users), err)
	}
}

func TestReaderBounds(t *testing.T) {
	seed := seedFile(t)
	r := ohris.NewReader(strings.NewReader(seed))
	r.MaxBytes = 100
	for _, err := range r.Users() {
		if !errors.Is(err, ohris.ErrTooLarge) {
			t.Errorf("MaxBytes: err = %v", err)
		}
	}
	long := "<utilisateurs><utilisateur><nom>" + strings.Repeat("a", 70<<10) + "</nom></utilisateur></utilisateurs>"
	if _, _, err := readResult(long); !errors.Is(err, ohris.ErrTooLarge) {
		t.Errorf("long text: err = %v", err)
	}
	big := "<utilisateurs><utilisateur><services>" + strings.Repeat("<service><code>A</code></service>", 40000) +
		"</services></utilisateur></utilisateurs>"
	if _, _, err := readResult(big); !errors.Is(err, ohris.ErrTooLarge) || !strings.Contains(err.Error(), "user 1") {
		t.Errorf("big user: err = %v", err)
	}
}

func TestReaderOnce(t *testing.T) {
	r := ohris.NewReader(strings.NewReader(seedFile(t)))
	for range r.Users() {
	}
	for _, err := range r.Users() {
		if err == nil {
			t.Error("second range succeeded")
		}
	}
}

// Stopping the range early is allowed and reads no further.
func TestReaderStopsEarly(t *testing.T) {
	var big bytes.Buffer
	w := ohris.NewWriter(&big)
	for range 5000 {
		w.Write(seedUsers()[1])
	}
	w.Close()
	cr := &countingReader{r: &big}
	n := big.Len()
	for range ohris.NewReader(cr).Users() {
		break
	}
	if cr.n >= int64(n) {
		t.Errorf("read %d of %d bytes for one user", cr.n, n)
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
