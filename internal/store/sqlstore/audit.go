package sqlstore

import (
	"context"
	"strings"

	"github.com/gatehouse/gatehouse/internal/domain"
)

// Page sizes of ListAudit.
const (
	DefaultAuditPage = 100
	MaxAuditPage     = 1000
)

// AppendAudit inserts e and writes its new ID back; a zero At becomes now. The stored At (UTC,
// to the microsecond) is written back too.
func (d *DB) AppendAudit(ctx context.Context, e *domain.AuditEvent) error {
	at := normTime(e.At)
	if at.IsZero() {
		at = d.clock()
	}
	details, err := encodeMap(e.Details)
	if err != nil {
		return failure("append audit event", err)
	}
	var id int64
	err = d.w.QueryRowContext(ctx, `INSERT INTO audit_events (at, type, actor_id, subject_id,
		system_id, session_id, ip, user_agent, outcome, reason, details)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
		d.timeArg(at), e.Type, e.ActorID, e.SubjectID, e.SystemID, e.SessionID, e.IP, e.UserAgent,
		e.Outcome, e.Reason, details).Scan(&id)
	if err != nil {
		return failure("append audit event", err)
	}
	e.ID, e.At = id, at
	return nil
}

// ListAudit returns the events matching f, newest first (by At, then by ID). UserID matches
// the actor or the subject; Type matches exactly or, ending in '.', as a prefix; Since is
// inclusive and Until exclusive. Limit defaults to DefaultAuditPage and is capped at
// MaxAuditPage.
func (d *DB) ListAudit(ctx context.Context, f domain.AuditFilter) ([]domain.AuditEvent, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = DefaultAuditPage
	}
	limit = min(limit, MaxAuditPage)

	a, where := d.auditWhere(f)
	query := `SELECT id, at, type, actor_id, subject_id, system_id, session_id, ip, user_agent,
		outcome, reason, details FROM audit_events` + where +
		` ORDER BY at DESC, id DESC LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(max(f.Offset, 0))

	rows, err := d.r.QueryContext(ctx, query, a...)
	if err != nil {
		return nil, failure("list audit events", err)
	}
	defer rows.Close()
	var events []domain.AuditEvent
	for rows.Next() {
		var e domain.AuditEvent
		var details string
		if err := rows.Scan(&e.ID, timeDest{&e.At}, &e.Type, &e.ActorID, &e.SubjectID, &e.SystemID,
			&e.SessionID, &e.IP, &e.UserAgent, &e.Outcome, &e.Reason, &details); err != nil {
			return nil, failure("list audit events", err)
		}
		if e.Details, err = decodeMap(details); err != nil {
			return nil, failure("list audit events", err)
		}
		events = append(events, e)
	}
	if err := rows.Err(); err != nil {
		return nil, failure("list audit events", err)
	}
	return events, nil
}

// auditWhere returns the WHERE clause (with its leading space, or "") and the arguments that
// select the events of f, its paging aside.
func (d *DB) auditWhere(f domain.AuditFilter) (args, string) {
	var a args
	var conds []string
	if f.UserID != "" {
		p := a.add(f.UserID)
		conds = append(conds, `(actor_id = `+p+` OR subject_id = `+p+`)`)
	}
	switch {
	case strings.HasSuffix(f.Type, "."):
		// A range rather than LIKE: '_' is common in types, and the range uses the index.
		// '/' is the byte after '.'.
		upper := f.Type[:len(f.Type)-1] + "/"
		conds = append(conds, `type >= `+a.add(f.Type)+` AND type < `+a.add(upper))
	case f.Type != "":
		conds = append(conds, `type = `+a.add(f.Type))
	}
	if !f.Since.IsZero() {
		conds = append(conds, `at >= `+a.add(d.timeArg(f.Since)))
	}
	if !f.Until.IsZero() {
		conds = append(conds, `at < `+a.add(d.timeArg(f.Until)))
	}
	if len(conds) == 0 {
		return a, ""
	}
	return a, ` WHERE ` + strings.Join(conds, ` AND `)
}
