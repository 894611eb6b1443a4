package canonical

import (
	"fmt"
	"strings"
)

// A LoginPolicy chooses the login a person gets in the targets (CMO's
// LoginName, the oHRis login, the CSF user name) from what the HR source
// says of them. It returns "" when it has none for p.
//
// HR systems rarely hold those logins: HCM holds a user name, and often only
// the person's e-mail address. A source mapper (HCM) applies its policy to
// fill Person.Logins, so that every target mapper finds the login it needs
// without code of the caller's.
type LoginPolicy func(p *Person) string

// LoginFromUserName takes the person's user name in the HR system (HCM's
// UserName), as it is.
func LoginFromUserName(p *Person) string { return strings.TrimSpace(p.UserName.Or("")) }

// LoginFromEmail takes the local part of the person's work e-mail address
// (else the primary one, else the first): "jane.doe" for
// jane.doe@acme.example.
func LoginFromEmail(p *Person) string {
	addr := workEmail(p.Emails)
	local, _, ok := strings.Cut(strings.TrimSpace(addr), "@")
	if !ok {
		return ""
	}
	return local
}

// FirstLogin returns a policy that tries each policy in turn and keeps the
// first login one of them gives.
func FirstLogin(policies ...LoginPolicy) LoginPolicy {
	return func(p *Person) string {
		for _, pol := range policies {
			if l := pol(p); l != "" {
				return l
			}
		}
		return ""
	}
}

// DefaultLoginSystems returns the keys of Person.Logins that the target
// mappers read when their LoginSystem is not set: "cmo", "csf" and "ohris".
func DefaultLoginSystems() []string { return []string{"cmo", "csf", "ohris"} }

// fillLogins sets p.Logins[system] to policy's login for every system of
// systems the source left without one. A person the policy finds no login
// for is reported, naming the person and the field; the person keeps the
// logins it has.
func fillLogins(p *Person, policy LoginPolicy, systems []string, record string) error {
	var missing []string
	for _, sys := range systems {
		if p.Logins[sys] != "" {
			continue
		}
		l := policy(p)
		if l == "" {
			missing = append(missing, sys)
			continue
		}
		if p.Logins == nil {
			p.Logins = map[string]string{}
		}
		p.Logins[sys] = l
	}
	if len(missing) == 0 {
		return nil
	}
	return &InputError{Record: record, Field: "logins", Problem: fmt.Sprintf("the login policy gives no login for %s (no user name or e-mail address?)", strings.Join(missing, ", "))}
}
