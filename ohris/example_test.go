package ohris_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/hrbridge/hrbridge/ohris"
)

func ExampleWriter() {
	w := ohris.NewWriter(os.Stdout)
	err := w.Write(ohris.User{
		EmployeeNumber: "1009",
		LastName:       "MARTIN",
		FirstName:      "PATRICK",
		Gender:         ohris.Male,
		Login:          "pmartin",
		ContractType:   "CDI",
		Group:          "Cadre",
		Company:        "SOC-B",
		Services:       []ohris.Service{{LongName: "DIRECTION FINANCIERE", Code: "DF"}},
		ContractStart:  date("2010-05-09"),
		ContractEnd:    ohris.Some(ohris.Date{}), // given, empty: no end of contract
		Modules:        []ohris.Module{ohris.Absence},
		// Email, Manager and Children are not given: left out of the file,
		// so oHRis keeps what it has.
	})
	if err != nil {
		log.Fatal(err)
	}
	if err := w.Close(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// <?xml version="1.0" encoding="UTF-8"?>
	// <utilisateurs>
	//   <utilisateur>
	//     <matricule>1009</matricule>
	//     <nom>MARTIN</nom>
	//     <prenom>PATRICK</prenom>
	//     <genre>male</genre>
	//     <login>pmartin</login>
	//     <typeContrat>CDI</typeContrat>
	//     <groupe>Cadre</groupe>
	//     <societe>SOC-B</societe>
	//     <services>
	//       <service>
	//         <libellelong>DIRECTION FINANCIERE</libellelong>
	//         <code>DF</code>
	//       </service>
	//     </services>
	//     <dateDebutContrat>2010-05-09</dateDebutContrat>
	//     <dateFinContrat></dateFinContrat>
	//     <cycle></cycle>
	//     <dateAffectationCycle></dateAffectationCycle>
	//     <joursFeries></joursFeries>
	//     <modules>
	//       <module>Absence</module>
	//     </modules>
	//   </utilisateur>
	// </utilisateurs>
}

func ExampleCheck() {
	users := seedUsers()
	users[1].Login = "CDupont" // logins are unique across the file, whatever the case
	users[0].Modules = append(users[0].Modules, "Paie")
	rep, err := ohris.Check(ohris.Users(users), ohris.References{Companies: []string{"SOC-A", "SOC-B"}})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range rep.Problems {
		fmt.Printf("user %d %s: %s\n  %s\n", p.Index, p.Field, p.Reason, p.Message())
	}
	// Output:
	// user 1 modules/module[2]: is not one of Absence, Activity, ExpenseReport, Payslip, CET, Time, Interview, HRFile
	//   La valeur modules/module[2] est absente ou incorrecte - l'utilisateur est ignoré
	// user 1 login: is also the login of user 2
	//   La valeur login est absente ou incorrecte - l'utilisateur est ignoré
	// user 2 login: is also the login of user 1
	//   La valeur login est absente ou incorrecte - l'utilisateur est ignoré
}

func ExampleNewReader() {
	f, err := os.Open("testdata/seed-example.xml")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	for u, err := range ohris.NewReader(f).Users() {
		if err != nil {
			log.Fatal(err) // a *ValidationError for a user oHRis would ignore
		}
		fmt.Println(u.Key(), u.Login, u.Services[0].Code, len(u.Children.Or(nil)), "children")
	}
	// Output:
	// matricule 1007, société SOC-A cdupont DG 2 children
	// matricule 1009, société SOC-B pmartin DG 1 children
}

func ExampleNewest() {
	name, d, _ := ohris.Newest([]string{
		"flux_utilisateurs_20240130.xml",
		"flux_utilisateurs_20240131.xml",
		".flux_utilisateurs_20240201.xml.4f2a.part", // an upload in progress
	})
	fmt.Println(name, d, ohris.FileName(d.AddDays(1)))
	// Output: flux_utilisateurs_20240131.xml 2024-01-31 flux_utilisateurs_20240201.xml
}

func ExamplePreview() {
	current := []ohris.Account{{User: seedUsers()[1], Active: true,
		Cycles: []ohris.CycleAssignment{{Cycle: "100% lundi au vendredi", From: date("2010-05-09")}}}}
	file := seedUsers()
	file[1].LastName = "MARTIN-DURAND"
	file[1].ContractEnd = ohris.Some(date("2024-02-29"))
	p, err := ohris.Preview(ohris.Users(file), current, ohris.PreviewParams{RunDate: date("2024-03-01")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(p)
	// Output:
	// run of 2024-03-01: 1 to create, 1 to update, 0 unchanged, 0 to ignore; 0 accounts not in the file
	// create    user 1 (matricule 1007, société SOC-A, login cdupont)
	// update    user 2 (matricule 1009, société SOC-B, login pmartin): nom "MARTIN" → "MARTIN-DURAND"; dateFinContrat "" → "2024-02-29"; deactivated: the contract ended before the run date
}

func ExampleClient_Deliver() {
	c, err := ohris.NewClient("sftp://sftp.example.com",
		ohris.WithPassword("acme", os.Getenv("OHRIS_SFTP_PASSWORD")),
		ohris.WithKnownHosts(os.ExpandEnv("$HOME/.ssh/known_hosts")))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	rep, err := c.Deliver(ctx, ohris.Prod, date("2024-01-31"), ohris.Users(seedUsers()), ohris.WriteParams{
		References: ohris.References{ContractTypes: []string{"CDD", "CDI"}},
	})
	if err != nil {
		// A *ValidationError when a user fails a check: nothing was sent.
		log.Fatal(err)
	}
	fmt.Println(rep.Users, "users delivered")
	for fi, err := range c.Archives(ctx, ohris.Prod) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(fi.Name, fi.ModTime, strings.Repeat("*", int(fi.Size>>20)))
	}
}

// Uploads cut short leave temporary files behind; remove those older than
// an upload takes.
func ExampleClient_Leftovers() {
	c, err := ohris.NewClient("sftp://sftp.example.com/~/ohris",
		ohris.WithPassword("acme", os.Getenv("OHRIS_SFTP_PASSWORD")),
		ohris.WithKnownHosts(os.ExpandEnv("$HOME/.ssh/known_hosts")))
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	for fi, err := range c.Leftovers(ctx, ohris.Prod) {
		if err != nil {
			log.Fatal(err)
		}
		if time.Since(fi.ModTime) > time.Hour {
			if err := c.RemoveLeftover(ctx, ohris.Prod, fi.Name); err != nil {
				log.Fatal(err)
			}
		}
	}
}
