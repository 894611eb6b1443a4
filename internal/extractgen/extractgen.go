// Package extractgen writes synthetic Oracle HCM initial-sync extracts: CSV
// with the columns of Oracle's integration guide ("Overview" and "Data
// Structure"; see docs/hcmatom.md),
// the same for the same size, for benchmarks and load tests of the
// extract loader. The data is made up; its shape is HCM's: several rows per
// person (one per assignment), 15-digit identifiers, work structures
// (business units, organizations, positions, locations, jobs) drawn from
// small pools as in a real tenant.
package extractgen

import (
	"bufio"
	"io"
	"strconv"
)

// Header is the header line Write writes.
const Header = "PersonNumber,PeriodOfServiceId,AssignmentId,PersonName,WorkEmail,PrimaryPhoneNumber,WorkerType," +
	"BusinessUnitId,OrganizationId,PositionId,LocationId,JobId,EffectiveStartDate," +
	"PrimaryFlag,PrimaryAssignmentFlag,AssignmentStatusType,PeriodType,ActualTerminationDate\r\n"

var (
	lastNames  = []string{"Green", "King", "Meyerson", "O'Brien", "Müller", "Nguyen", "Garcia", "Smith", "Dubois", "Rossi", "Kowalski", "Tanaka", "Okafor", "Silva", "Jensen", "Haddad"}
	firstNames = []string{"Joe", "Mary", "Barbara", "Pat", "Jürgen", "Linh", "Ana", "John", "Claire", "Marco", "Ewa", "Yuki", "Chidi", "João", "Freja", "Omar"}
)

// Layout of the persons: person p has one work relationship with one
// assignment, except every fifth, whose relationship has a second
// (non-primary) assignment, and every thirteenth, who also has an ended
// earlier relationship. Rows of a person are consecutive.
func rowsOf(p int) (relationships, assignments int) {
	relationships, assignments = 1, 1
	if p%5 == 0 {
		assignments = 2
	}
	if p%13 == 0 {
		relationships = 2
	}
	return
}

// Write writes a header and exactly rows rows (the last person may be cut
// short). It returns the number of persons begun.
func Write(w io.Writer, rows int) (persons int, err error) {
	bw := bufio.NewWriterSize(w, 256<<10)
	if _, err := bw.WriteString(Header); err != nil {
		return 0, err
	}
	var line []byte
	n := 0
	for p := 0; n < rows; p++ {
		persons++
		rels, asgs := rowsOf(p)
		for r := 0; r < rels && n < rows; r++ {
			ended := rels == 2 && r == 0
			for a := 0; a < asgs && n < rows; a++ {
				if ended && a > 0 {
					break
				}
				line = appendRow(line[:0], p, r, a, ended)
				if _, err := bw.Write(line); err != nil {
					return persons, err
				}
				n++
			}
		}
	}
	return persons, bw.Flush()
}

func appendRow(b []byte, p, r, a int, ended bool) []byte {
	id := func(b []byte, base int64, v int) []byte { return strconv.AppendInt(b, base+int64(v), 10) }
	b = id(b, 966169000000000, p)
	b = append(b, ',')
	b = id(b, 300100500000000, 2*p+r)
	b = append(b, ',')
	b = id(b, 300100600000000, 4*p+2*r+a)
	b = append(b, ',', '"')
	b = append(b, lastNames[p%len(lastNames)]...)
	b = append(b, ", "...)
	b = append(b, firstNames[(p/len(lastNames))%len(firstNames)]...)
	b = append(b, '"', ',')
	if !ended {
		b = append(b, "worker."...)
		b = strconv.AppendInt(b, int64(p), 10)
		b = append(b, "@example.com"...)
	}
	b = append(b, ',')
	b = append(b, "+1 650 555 "...)
	b = strconv.AppendInt(b, int64(1000+p%9000), 10)
	b = append(b, ",EMP,"...)
	b = id(b, 300100032736000, p%7)
	b = append(b, ',')
	b = id(b, 300100037658000, p%97)
	b = append(b, ',')
	b = id(b, 300100037700000, (p*7+a)%1499)
	b = append(b, ',')
	b = id(b, 300100037658100, p%31)
	b = append(b, ',')
	b = id(b, 300100037637000, (p+a)%211)
	b = append(b, ',')
	year := 2015 + p%10
	if !ended {
		year = 2020 + p%5
	}
	b = strconv.AppendInt(b, int64(year), 10)
	b = append(b, '-', '0', '0'+byte(1+p%9), '-', '1', '0'+byte(p%9), ',')
	primary := "Y"
	if ended {
		primary = "N"
	}
	b = append(b, primary...)
	b = append(b, ',')
	if a == 0 {
		b = append(b, 'Y')
	} else {
		b = append(b, 'N')
	}
	if ended {
		b = append(b, ",INACTIVE,E,"...)
		b = strconv.AppendInt(b, int64(year+1), 10)
		b = append(b, "-12-31"...)
	} else {
		b = append(b, ",ACTIVE,E,"...)
	}
	return append(b, '\r', '\n')
}
