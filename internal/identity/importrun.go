package identity

import (
	"context"
	"iter"
	"runtime"
	"sort"
	"strconv"
	"sync"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// ImportSummary counts what an import did.
type ImportSummary struct {
	Created  int           `json:"created"`
	Skipped  int           `json:"skipped"` // the username exists already
	Failed   int           `json:"failed"`
	Problems []RowProblem  `json:"problems,omitempty"`
	FileErr  *domain.Error `json:"-"` // the file could not be read to its end
}

// RowProblem says why one row was skipped or failed.
type RowProblem struct {
	Line     int    `json:"line"`
	Username string `json:"username,omitempty"`
	Outcome  string `json:"outcome"` // "skipped" or "failed"
	Reason   string `json:"reason"`
}

// Done is the number of rows handled so far.
func (s ImportSummary) Done() int { return s.Created + s.Skipped + s.Failed }

// Import creates the users of rows, several at a time. A row that fails never stops the others
// and never leaves a half-written user (each user and its grants are written in one
// transaction). progress, when not nil, is called after each row with the running summary.
func (s *Service) Import(ctx context.Context, a Actor, rows iter.Seq[ImportRow], progress func(ImportSummary)) ImportSummary {
	var (
		mu   sync.Mutex
		sum  ImportSummary
		wg   sync.WaitGroup
		work = make(chan ImportRow)
	)
	done := func(row ImportRow, outcome string, err error) {
		mu.Lock()
		defer mu.Unlock()
		switch outcome {
		case "created":
			sum.Created++
		case "skipped":
			sum.Skipped++
		default:
			sum.Failed++
		}
		if err != nil {
			sum.Problems = append(sum.Problems, RowProblem{Line: row.Line, Username: row.User.Username, Outcome: outcome, Reason: describe(err)})
		}
		if progress != nil {
			progress(sum)
		}
	}
	quiet := a
	quiet.Via = "import"
	for range 2 * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for row := range work {
				u, roleIDs, err := s.prepareUser(ctx, row.User)
				if err == nil {
					err = s.Users.CreateUser(ctx, u, roleIDs...)
				}
				switch domain.ErrorCode(err) {
				case "":
					done(row, "created", nil)
				case domain.CodeConflict:
					done(row, "skipped", domain.Errorf(domain.CodeConflict, "user exists already"))
				default:
					done(row, "failed", err)
				}
			}
		}()
	}
	for row := range rows {
		if row.Line == 0 && row.Err != nil {
			sum.FileErr, _ = row.Err.(*domain.Error)
			break
		}
		if row.Err != nil {
			done(row, "failed", row.Err)
			continue
		}
		if ctx.Err() != nil {
			break
		}
		work <- row
	}
	close(work)
	wg.Wait()
	sort.Slice(sum.Problems, func(i, j int) bool { return sum.Problems[i].Line < sum.Problems[j].Line })
	s.record(ctx, quiet, domain.AuditUserImport, "", "", map[string]string{
		"created": strconv.Itoa(sum.Created), "skipped": strconv.Itoa(sum.Skipped), "failed": strconv.Itoa(sum.Failed)})
	return sum
}

// describe renders an error for a person: the message and each field problem.
func describe(err error) string {
	de, ok := err.(*domain.Error)
	if !ok {
		return "internal error"
	}
	msg := de.Message
	for _, f := range de.Fields {
		if msg != "" {
			msg += "; "
		}
		msg += f.Field + " " + f.Problem
	}
	if de.Code == domain.CodeInternal && de.Err != nil {
		msg += ": " + de.Err.Error()
	}
	return msg
}
