package sagepeopletest

import (
	"strings"
	"testing"
)

func TestQueryLongerThanSalesforceTakes(t *testing.T) {
	head := "SELECT Id FROM fHCM2__Team_Member__c WHERE Name = '"
	fits := head + strings.Repeat("é", maxQueryLength-len(head)-1) + "'"
	if _, err := parse(fits); err != nil {
		t.Fatalf("a query of %d characters: %v", maxQueryLength, err)
	}
	if _, err := parse(fits[:len(fits)-1] + "é'"); err == nil || !strings.Contains(err.Error(), "100000 characters") {
		t.Fatalf("a query of %d characters: %v", maxQueryLength+1, err)
	}
}
