package hcmatom

import "fmt"

// LoadAsSeeds loads persons into r's seed store, as they are (nothing is
// derived, as with Load), for the tests that apply events to seed persons.
func LoadAsSeeds(r *Roster, persons ...Person) error {
	s := newSeedStore()
	for _, p := range persons {
		if !fits(&p) {
			return fmt.Errorf("person %s: not for the seed store", p.PersonNumber)
		}
		if err := checkPerson(&p); err != nil {
			return err
		}
		if hits, clash := s.hits(&p); len(hits) > 0 || clash {
			return fmt.Errorf("person %s: a key is taken", p.PersonNumber)
		}
		s.add(&p)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.load(&Batch{}, s)
}

// Tombstones returns how many deleted AssignmentIds r remembers.
func Tombstones(r *Roster) int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.deleted)
}
