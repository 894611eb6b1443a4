package ohris

import (
	"fmt"
	"path"
	"strings"

	"github.com/hrbridge/hrbridge/internal/civil"
)

// The file name is flux_utilisateurs_YYYYMMDD.xml, where YYYYMMDD is the
// date on which the data in the file are valid.
const (
	namePrefix = "flux_utilisateurs_"
	nameSuffix = ".xml"
	nameLayout = "20060102"
)

// FileName returns the name of the flux file whose data are valid on d,
// such as flux_utilisateurs_20240131.xml.
func FileName(d Date) string { return namePrefix + d.Format(nameLayout) + nameSuffix }

// ParseFileName returns the date of validity in a flux file name. A path is
// accepted and its directories are ignored. Any other name is an error.
func ParseFileName(name string) (Date, error) {
	base := path.Base(name)
	digits, ok := strings.CutPrefix(base, namePrefix)
	if ok {
		digits, ok = strings.CutSuffix(digits, nameSuffix)
	}
	if !ok || len(digits) != len(nameLayout) || strings.Trim(digits, "0123456789") != "" {
		return Date{}, fmt.Errorf("ohris: %q is not named %sYYYYMMDD%s", base, namePrefix, nameSuffix)
	}
	d, err := civil.Parse(nameLayout, digits)
	if err != nil {
		return Date{}, fmt.Errorf("ohris: %q: %w", base, err)
	}
	return d, nil
}

// Newest returns the name among names whose date of validity is the latest,
// the one oHRis processes when several files are waiting. Names that are not
// flux file names are passed over; ok is false when none is.
func Newest(names []string) (name string, d Date, ok bool) {
	for _, n := range names {
		nd, err := ParseFileName(n)
		if err == nil && (!ok || nd.After(d)) {
			name, d, ok = n, nd, true
		}
	}
	return name, d, ok
}
