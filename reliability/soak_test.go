package reliability_test

import "testing"

type tally struct{}

func soakCMO(t *testing.T, seed uint64, ops int) *tally        { return nil }
func soakCSF(t *testing.T, seed uint64, ops int) *tally        { return nil }
func soakFusionSOD(t *testing.T, seed uint64, ops int) *tally  { return nil }
func soakHCMAtom(t *testing.T, seed uint64, ops int) *tally    { return nil }
func soakHCMSCIM(t *testing.T, seed uint64, ops int) *tally    { return nil }
func soakOHRIS(t *testing.T, seed uint64, ops int) *tally      { return nil }
func soakSagePeople(t *testing.T, seed uint64, ops int) *tally { return nil }
