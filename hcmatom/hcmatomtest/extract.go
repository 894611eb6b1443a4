package hcmatomtest

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/hrbridge/hrbridge/internal/pgp"
)

// extractColumns are the columns Extract always writes: the seed's
// thirteen, then the flags, status, period type, termination date,
// PersonId and DateStart.
var extractColumns = []string{
	"PersonNumber", "PeriodOfServiceId", "AssignmentId", "PersonName", "WorkEmail", "PrimaryPhoneNumber",
	"WorkerType", "BusinessUnitId", "OrganizationId", "PositionId", "LocationId", "JobId", "EffectiveStartDate",
	"PrimaryFlag", "PrimaryAssignmentFlag", "AssignmentStatusType", "PeriodType", "ActualTerminationDate", "PersonId",
	"DateStart",
}

// Extract writes the workers the server holds as HCM's initial-sync
// extract (the integration guide's "Initial Sync": "Extract HCM data into a
// CSV file"): one row per assignment, in person number order, with the
// columns of the guide's tables, the flags, status, period type and
// termination date, PersonId, the work relationship's DateStart, and every
// other assignment attribute the server holds (ManagerId, ActionCode, ...)
// and person attribute UpdatePerson set (Sex, ...) as a column of its own.
// Cancelled work relationships are left out, as HCM's would never have
// existed.
func (s *Server) Extract(w io.Writer) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	more := map[string]bool{}
	for _, a := range s.world.asgs {
		for k := range a.fields {
			if !slices.Contains(extractColumns, k) {
				more[k] = true
			}
		}
	}
	for _, p := range s.world.persons {
		for k := range p.attrs {
			if !slices.Contains(extractColumns, k) {
				more[k] = true
			}
		}
	}
	extra := slices.Sorted(maps.Keys(more))
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(append(slices.Clone(extractColumns), extra...)); err != nil {
		return err
	}
	for _, pn := range slices.Sorted(maps.Keys(s.world.persons)) {
		p := s.world.persons[pn]
		for _, wr := range p.wrs {
			if !wr.active && wr.end.IsZero() {
				continue // cancelled
			}
			end := ""
			if !wr.end.IsZero() {
				end = wr.end.String()
			}
			for _, a := range wr.asgs {
				f := a.fields
				row := []string{p.number, wr.id, a.id, p.name, p.email, p.phone, wr.workerType,
					f["BusinessUnitId"], f["OrganizationId"], f["PositionId"], f["LocationId"], f["JobId"], wr.start.String(),
					yn(wr.primary), yn(a.primary), f["AssignmentStatusType"], wr.periodType, end, p.id, wr.start.String()}
				for _, k := range extra {
					row = append(row, cmp.Or(f[k], p.attrs[k]))
				}
				if err := cw.Write(row); err != nil {
					return err
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// EncryptedExtract writes Extract's file as HCM sends it (the guide's
// "Encrypt the data using PGP encryption"): encrypted to publicKey, the
// customer's key registered in HCM (an OpenPGP public key, ASCII armored or
// binary, as hcmatom.GenerateKeyPair makes it), ZLIB-compressed, integrity
// protected (AES-256, MDC), and signed with signerKey (an unprotected
// OpenPGP private key) unless it is nil.
func (s *Server) EncryptedExtract(w io.Writer, publicKey, signerKey []byte) error {
	to, err := pgp.ReadKeys(bytes.NewReader(publicKey))
	if err != nil {
		return fmt.Errorf("hcmatomtest: EncryptedExtract: %w", err)
	}
	o := pgp.EncryptOptions{To: pgp.PublicOnly(to), Compression: pgp.CompressZLIB, FileName: "extract.csv"}
	if signerKey != nil {
		signers, err := pgp.ReadKeys(bytes.NewReader(signerKey))
		if err != nil {
			return fmt.Errorf("hcmatomtest: EncryptedExtract: signer: %w", err)
		}
		if err := pgp.Unlock(signers, nil); err != nil {
			return fmt.Errorf("hcmatomtest: EncryptedExtract: signer: %w", err)
		}
		o.Signer = signers[0]
	}
	var plain bytes.Buffer
	if err := s.Extract(&plain); err != nil {
		return err
	}
	pw, err := pgp.Encrypt(w, o)
	if err != nil {
		return fmt.Errorf("hcmatomtest: EncryptedExtract: %w", err)
	}
	if _, err := pw.Write(plain.Bytes()); err != nil {
		return err
	}
	return pw.Close()
}
