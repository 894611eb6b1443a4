// Package hcmatom reads Oracle HCM Cloud's ATOM feeds and keeps a roster of
// workers current from them: the incremental half of an HR-driven
// provisioning sync (joiners, movers, leavers). It also loads the initial
// extract, the PGP-encrypted CSV file the roster starts from.
//
// The protocol facts it relies on (Oracle's integration guide for
// entitlement management systems, whose samples and Before/After tables are
// this package's tests; Oracle's feed pages; the paging rule; the extract
// and PGP) are in docs/hcmatom.md of this repository, with their public
// sources.
//
// The package has six layers, each usable alone:
//
//   - FeedReader reads an Atom feed document as a stream, one Entry at a
//     time, with a size bound; Decode turns an Entry's JSON content (sent
//     escaped or in CDATA) into a typed Event: *NewHire, *Termination,
//     *AssignmentChange, *PersonUpdate, *WorkRelationshipUpdate,
//     *WorkRelationshipCancel, *PayrollUpdate or *WorkstructureChange,
//     each keeping the raw entry and every attribute (Raw).
//   - Client reads the feeds of a pod at /hcmRestApi/atomservlet/<workspace>/<collection>
//     (another prefix with WithPathPrefix), with HTTP Basic, an Oracle
//     Fusion JWT or OAuth bearer tokens (WithTokenSource): every event after
//     a timestamp (Events), the same a page at a time for callers who
//     checkpoint (EntriesPage, a Page[Entry] whose Next resumes), one entry
//     (ReadEntry), or the server's raw pages (ReadPage, NextPage). Its
//     failures are *APIError (shared by every hrbridge package), "hcmatom: "
//     once at the start of their text, and match the shared sentinels
//     (ErrUnauthorized, ErrNotFound, ErrUnavailable, ErrUnexpectedContent
//     for a login page where the feed was expected, ...).
//   - Roster holds persons, their work relationships and assignments,
//     loaded in bulk (Batch, Load) and kept current by applying events
//     (Apply), which says what each event meant (its Lifecycle: joiner,
//     rehire, mover, leaver or update) and what it changed.
//   - Workstructures names what assignments give by id (organization,
//     business unit, legal employer, job, position, location, grade) from
//     the workstructures feeds (Apply), Set, or the extract's name columns
//     when it has them; Resolve reports an id it cannot name
//     (*UnresolvedError, naming the person, the assignment and the field)
//     instead of passing it off as a name.
//   - Sync polls the feeds, workstructures first, hands each event to a
//     handler in order, and moves a stored cursor (CursorStore; FileStore
//     survives a crash mid-write) only past events the handler accepted.
//   - The initial extract: GenerateKeyPair makes the key pair to exchange
//     with the customer (the public half is registered in HCM); a
//     Decrypter holds the private key, and HCM's signing key when a
//     signature is required; Roster.LoadExtract decrypts, reads and loads
//     a file in one streaming pass, all of it or nothing; ExtractIntake
//     offers the same as an HTTP upload; NewExtractReader reads the rows of
//     a decrypted file on its own.
//
// Quick start:
//
//	c, err := hcmatom.NewClient("https://acme.fa.us2.oraclecloud.com",
//		hcmatom.WithFusionJWT("acme-ems", "HCM_INTEGRATION", key, cert))
//	roster := hcmatom.NewRoster()
//	d, err := hcmatom.NewDecrypter(hcmatom.WithPrivateKey(privateKey, passphrase))
//	summary, err := roster.LoadExtract(ctx, d, extractFile) // the initial sync
//	sync := &hcmatom.Sync{Client: c, Store: hcmatom.NewFileStore("cursors.json")}
//	err = sync.Poll(ctx, 5*time.Minute, func(ctx context.Context, ev hcmatom.Event) error {
//		out, err := roster.Apply(ev)
//		if err != nil {
//			return err
//		}
//		return provision(ctx, out) // joiner, mover, leaver...
//	})
//
// Where Oracle's documents are silent, this package chooses, and says so:
//
//   - Pages: page-size defaults to Oracle's 10. The lower bound
//     (updated-min, published-min) is exclusive, so a reader resuming from
//     a timestamp would skip the entries of that timestamp on the next page;
//     as Oracle's OIC adapter does, of a full page whose last k entries
//     share a timestamp only the first N-k are handed out, and the next
//     request starts after them. A full page of one timestamp is followed
//     by the next page of the same query: its rel="next" link when the
//     server sends one (Oracle documents none), else page+1. Bounds are sent
//     to the millisecond, rounded outwards; entries at or before the bound
//     that come back are dropped as already handled. Read by published, a
//     lower bound is always sent (the Unix epoch at first): without one,
//     Oracle hides future-dated entries until they take effect, by which
//     time the cursor would have passed their published time. A page not in
//     ascending order (a server that ignored orderBy) is an error.
//   - Entries: XML elements are matched by local name; a document type
//     declaration is refused; only UTF-8 is read. Attribute names in the
//     content match whatever their case and spacing ("AssignmentId",
//     "Assignment Id"); when the Context names an attribute twice (Oracle's
//     pending-worker sample carries "PersonNumber" twice, the second being
//     the PersonId) the first value is used and the event's Warnings say so,
//     as they do when a newhire entry's changed "PersonNumber" holds the
//     PersonId.
//   - Roster: see Roster.Apply for the rules. The Context identifies
//     records, the changed attributes change them. A converted pending
//     worker keeps the pending work relationship and assignment ids, as the
//     guide's table shows, with HCM's new ids kept as OtherIDs. A cancelled
//     work relationship is kept, inactive. Each record remembers the
//     timestamp of the last event applied to it, so that an event delivered
//     again after later ones does not put old values back.
//   - Extract decryption: the message must be encrypted and integrity
//     protected (MDC or AEAD); without MDC (gpg --rfc2440) it is refused.
//     The plaintext is unauthenticated until its last byte has been read,
//     so nothing is loaded before. Signatures are checked only when
//     WithSigner is given, and then required. Keys made by GenerateKeyPair
//     are RSA (3072 bits by default), which every OpenPGP implementation
//     can encrypt to.
//   - Extract CSV: the header names the columns, matched as feed
//     attributes are (case, spaces, underscores); the guide's thirteen
//     columns are required, PrimaryFlag, PrimaryAssignmentFlag,
//     AssignmentStatusType, PeriodType and ActualTerminationDate are read
//     when present, other columns are kept as the assignment's attributes.
//     Dates are YYYY-MM-DD, flags Y or N. A bad row is reported with its
//     line and reason; by default it fails the load, WithMaxBadRows lets up
//     to N be left out and listed instead. Person columns must agree across
//     a person's rows, work relationship columns across its rows. A work
//     relationship with an ActualTerminationDate on or before the as-of day
//     (WithAsOf, default today) is terminated. The extract adds persons: a
//     person already in the roster is a conflict, and nothing is loaded.
package hcmatom
