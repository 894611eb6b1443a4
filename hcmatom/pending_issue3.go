// Package hcmatom reads Oracle HCM Cloud: the employee ATOM feeds and the
// PGP-encrypted CSV extract of the initial sync.
//
// This file stands in for what issue 3 (branch hcmatom) defines; it goes
// when that branch is merged.
package hcmatom

import (
	"github.com/hrbridge/hrbridge/internal/civil"
	"github.com/hrbridge/hrbridge/internal/opt"
)

// Date is a calendar date (YYYY-MM-DD in HCM), with no time zone.
type Date = civil.Date

// Opt is an optional value that tells "not given" from "given".
type Opt[T any] = opt.Value[T]
