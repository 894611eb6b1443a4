// Package ohris writes, checks, reads and delivers the oHRis user flux file,
// flux_utilisateurs_YYYYMMDD.xml, and previews what the oHRis connector will
// do with it.
//
// oHRis (an HR absence and time management product) imports its users from
// a UTF-8 XML file that the client drops on an SFTP exchange space, in
// depot/prod/ or depot/test/. On working days, at the hour set in its
// configuration, the connector takes the newest file, creates the users
// whose key (société, matricule) it does not know, updates the others,
// deactivates those whose contract has ended, reactivates those with a
// contract in progress, ignores (with an error in its report) every user
// that fails a check, and archives the file in archives/<env>/ for 32 days.
// The facts the package relies on, quoted from the oHRis documentation (the
// "source document" of these comments) and from the SFTP and OpenSSH
// documents, with their addresses and the choices made where they are
// silent, are in docs/ohris.md in this repository.
//
// The pieces, each usable alone:
//
//   - User is one utilisateur element, with every attribute of the source
//     document's table.
//   - Check applies the document's rules to a whole file, including the
//     rules across users (unique logins, unique matricule per société, and
//     on request responsables that exist) and the tenant's reference lists,
//     and reports each user that oHRis would ignore with oHRis's own message.
//   - Writer writes a file user by user in constant memory; WriteFile checks
//     and then writes, refusing the file or leaving out the users that fail.
//   - Reader reads a file user by user, to check it or compare it with what
//     was sent.
//   - FileName, ParseFileName and Newest handle the file names.
//   - Client delivers a file over SFTP (host key always verified, written
//     under a temporary name and renamed when complete), lists archives and
//     cleans what a dropped upload left. Its errors are *APIError, with the
//     sentinels every hrbridge package shares (ErrUnauthorized,
//     ErrForbidden, ErrNotFound, ErrInvalid) and ErrHostKey.
//   - Preview tells what a run of the connector will do on a given day.
//
// Package ohristest runs an SFTP server and a simulated connector in memory,
// for tests.
//
// Quick start:
//
//	c, err := ohris.NewClient("sftp://sftp.example.com",
//		ohris.WithPassword(user, password),
//		ohris.WithKnownHosts(os.ExpandEnv("$HOME/.ssh/known_hosts")))
//	if err != nil { ... }
//	defer c.Close()
//	rep, err := c.Deliver(ctx, ohris.Prod, today, ohris.Users(users), ohris.WriteParams{})
//	// err is a *ValidationError, and nothing was sent, when a user fails a check.
package ohris
