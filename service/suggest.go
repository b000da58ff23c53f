package service

import (
	"sync"

	"github.com/lexval/lexval/internal/suggest"
)

// maxNSIDEdits is how far a mistyped NSID may be from a known one for it to
// be suggested: one or two slips, not a different name.
const maxNSIDEdits = 2

// SuggestNSID returns the NSIDs of the local catalog (embedded, directories,
// bundled) one or two edits from nsid, nearest first: what "did you mean"
// offers when nsid names no lexicon. The network's lexicons are not
// listed, so they are never suggested.
func (s *Service) SuggestNSID(nsid string) []string {
	return suggest.Nearest(nsid, s.localNSIDs(), maxNSIDEdits)
}

// localNSIDs lists the local catalog's NSIDs, worked out on first use
// without loading any record.
func (s *Service) localNSIDs() []string {
	s.nsidsOnce.Do(func() {
		nsids := s.res.LocalNSIDs()
		s.nsids = make([]string, len(nsids))
		for i, nsid := range nsids {
			s.nsids[i] = nsid.String()
		}
	})
	return s.nsids
}

// nsidList is the memo of localNSIDs, embedded in Service.
type nsidList struct {
	nsidsOnce sync.Once
	nsids     []string
}
