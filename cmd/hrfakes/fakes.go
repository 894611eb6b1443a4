package main

import (
	"crypto/x509"
	"encoding/pem"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/hrbridge/hrbridge/cmo/cmotest"
	"github.com/hrbridge/hrbridge/csf/csftest"
	"github.com/hrbridge/hrbridge/fusionsod"
	"github.com/hrbridge/hrbridge/fusionsod/fusionsodtest"
	"github.com/hrbridge/hrbridge/hcmatom"
	"github.com/hrbridge/hrbridge/hcmatom/hcmatomtest"
	"github.com/hrbridge/hrbridge/hcmscim"
	"github.com/hrbridge/hrbridge/hcmscim/hcmscimtest"
	"github.com/hrbridge/hrbridge/ohris/ohristest"
	"github.com/hrbridge/hrbridge/sagepeople"
	"github.com/hrbridge/hrbridge/sagepeople/sagepeopletest"
)

// The demo company: Oracle's guide's Mary King (a manager) and Joe Green,
// who reports to her, with the guide's person numbers and ids.
var demo = []hcmatomtest.Worker{
	{PersonNumber: "966169008890236", PersonID: "300100591078054", Name: "King, Mary", WorkEmail: "mary.king@acme.example",
		OrganizationID: "300100037658514", LocationID: "300100037658196", JobID: "300100037658485"},
	{PersonNumber: "966169008890736", PersonID: "300100591016270", Name: "Green, Joe", WorkEmail: "joe.green@acme.example",
		OrganizationID: "300100037658514", LocationID: "300100037658196", ManagerID: "300100591078054"},
}

// startHCMAtom starts a fake HCM pod whose employee feeds hold the demo
// company's hires of the last week.
func startHCMAtom() (*fake, error) {
	pod, err := hcmatomtest.Start()
	if err != nil {
		return nil, err
	}
	at := time.Now().UTC().AddDate(0, 0, -7)
	for _, w := range demo {
		w.Start = hcmatom.DateOf(at)
		pod.Hire(at, w)
		at = at.Add(time.Hour)
	}
	feeds := pod.URL + hcmatom.DefaultPathPrefix + "/atomservlet/employee/"
	return &fake{Name: "hcmatom", System: "Oracle HCM Cloud ATOM feeds and extract", URL: pod.URL,
		Username: pod.Username, Password: pod.Password,
		Extra: map[string]string{"newhire feed": feeds + "newhire", "empupdate feed": feeds + "empupdate"},
		close: pod.Close}, nil
}

// startHCMSCIM starts a fake HCM SCIM API holding the demo company's users
// and the employee and line manager roles.
func startHCMSCIM() (*fake, error) {
	srv, err := hcmscimtest.Start()
	if err != nil {
		return nil, err
	}
	emp := srv.AddRole(hcmscim.Role{Name: "ORA_PER_EMPLOYEE_ABSTRACT", DisplayName: "Employee", Category: "ABSTRACT"})
	srv.AddRole(hcmscim.Role{Name: "ORA_PER_LINE_MANAGER_ABSTRACT", DisplayName: "Line Manager", Category: "ABSTRACT"})
	for _, w := range demo {
		u := srv.AddUser(hcmscim.User{UserName: w.WorkEmail, DisplayName: w.Name,
			FA: hcmscim.FAUser{WorkerInformation: hcmscim.WorkerInformation{PersonNumber: w.PersonNumber}, AccountType: "Person"}})
		srv.GrantRole(emp.ID, u.ID)
	}
	return &fake{Name: "hcmscim", System: "Oracle HCM SCIM API", URL: srv.URL, Username: srv.Username, Password: srv.Password,
		Extra: map[string]string{"users": srv.URL + "/hcmRestApi/scim/Users"}, close: srv.Close}, nil
}

// startCMO starts a fake CMO Compliance tenant with the role, org unit and
// entity the demo company's users need.
func startCMO() (*fake, error) {
	srv, err := cmotest.Start(cmotest.WithRoles("Employee"), cmotest.WithOrgUnits("Finance"), cmotest.WithEntities("Acme SA"))
	if err != nil {
		return nil, err
	}
	return &fake{Name: "cmo", System: "CMO Compliance HR import (SOAP) and export (REST)", URL: srv.URL,
		Username: srv.Username, Password: srv.Password,
		Extra: map[string]string{"wsdl": srv.URL + "/HRImport.asmx?WSDL"}, close: srv.Close}, nil
}

// startOHRIS starts a fake oHRis SFTP exchange space.
func startOHRIS() (*fake, error) {
	srv, err := ohristest.Start()
	if err != nil {
		return nil, err
	}
	pub, err := ssh.NewPublicKey(srv.HostKey)
	if err != nil {
		srv.Close()
		return nil, err
	}
	host, port, _ := net.SplitHostPort(srv.Addr)
	return &fake{Name: "ohris", System: "oHRis user flux over SFTP", URL: srv.URL, Username: srv.Username, Password: srv.Password,
		Extra: map[string]string{
			"host key":    ssh.FingerprintSHA256(pub),
			"known_hosts": "[" + host + "]:" + port + " " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(pub))),
		},
		close: srv.Close}, nil
}

// startFusionSoD starts a fake Oracle Fusion risk management service with
// one segregation-of-duties control: the guide's payables roles conflict.
func startFusionSoD() (*fake, error) {
	srv, err := fusionsodtest.Start()
	if err != nil {
		return nil, err
	}
	srv.AddRole("ORA_AP_ACCOUNTS_PAYABLE_MANAGER_JOB", "Accounts Payable Manager")
	srv.AddRole("ORA_AP_ACCOUNTS_PAYABLE_SUPERVISOR_JOB", "Accounts Payable Supervisor")
	srv.AddControl(fusionsodtest.Control{Name: "Create Supplier and Pay Invoices",
		Roles: [2]string{"ORA_AP_ACCOUNTS_PAYABLE_MANAGER_JOB", "ORA_AP_ACCOUNTS_PAYABLE_SUPERVISOR_JOB"}})
	return &fake{Name: "fusionsod", System: "Oracle Fusion segregation-of-duties analysis", URL: srv.URL,
		Username: srv.Username, Password: srv.Password,
		Extra: map[string]string{"analysis": srv.URL + fusionsod.DefaultPath + "/advancedControlsRolesProvisioning"},
		close: srv.Close}, nil
}

// startCSF starts a fake CSF Identity Manager with the demo organisation
// and its employees' group.
func startCSF() (*fake, error) {
	srv, err := csftest.Start(csftest.WithOrganization("acme.example"), csftest.WithGroups("Employees@acme.example"))
	if err != nil {
		return nil, err
	}
	return &fake{Name: "csf", System: "Microsoft CSF Identity Manager UserManager (SOAP)", URL: srv.URL,
		Username: srv.Username, Password: srv.Password,
		Extra: map[string]string{"credentials": "WS-Security UsernameToken (or HTTP Basic)"}, close: srv.Close}, nil
}

// startSagePeople starts a fake Salesforce org with Sage People's objects
// and the demo company as team members. It signs in with the JWT bearer
// flow only: the connected app's private key is written, for tools outside
// Go, to a file removed when the fake stops.
func startSagePeople() (*fake, error) {
	srv, err := sagepeopletest.Start()
	if err != nil {
		return nil, err
	}
	var mary string
	for _, w := range demo {
		last, first, _ := strings.Cut(w.Name, ", ")
		m := sagepeople.TeamMember{FullName: first + " " + last, FirstName: first, LastName: last, Email: w.WorkEmail,
			Department: "Finance", EmploymentStatus: "Current",
			Employment: &sagepeople.Employment{Name: "EMP-" + w.PersonNumber, Active: true, Start: hcmatom.DateOf(time.Now().AddDate(0, 0, -7))}}
		if mary != "" {
			m.Manager = &sagepeople.Manager{ID: mary}
		}
		id := srv.AddTeamMember(m)
		if mary == "" {
			mary = id
		}
	}
	dir, err := os.MkdirTemp("", "hrfakes-sagepeople-")
	if err != nil {
		srv.Close()
		return nil, err
	}
	keyFile := filepath.Join(dir, "connected-app.key")
	der, err := x509.MarshalPKCS8PrivateKey(srv.Key)
	if err == nil {
		err = os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600)
	}
	if err != nil {
		srv.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	return &fake{Name: "sagepeople", System: "Sage People on Salesforce (OAuth JWT bearer flow, SOQL, Bulk API 2.0)",
		URL: srv.URL, Username: srv.Username,
		Extra: map[string]string{"instance": srv.InstanceURL, "client id": srv.ClientID, "audience": srv.Audience,
			"private key file": keyFile},
		close: func() { srv.Close(); os.RemoveAll(dir) }}, nil
}
