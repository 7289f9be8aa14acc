package exchange

import (
	"bufio"
	"io"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/clusme/fieldbook/data"
)

// uidDomain makes the UIDs globally unique (RFC 5545 3.8.4.7 suggests
// "id@domain"); the record's ULID makes them stable across exports.
const uidDomain = "fieldbook.clusme.eu"

// writeICS writes one VCALENDAR with an all-day VEVENT and a VTODO for each
// follow-up (see the package doc for the choices).
func writeICS(w io.Writer, items []*data.FollowUp, n *names, opt Options) error {
	iw := &icsWriter{w: bufio.NewWriter(w)}
	stamp := opt.Now.UTC().Format("20060102T150405Z")
	iw.line("BEGIN:VCALENDAR")
	iw.line("PRODID:-//Clusme//Fieldbook//EN")
	iw.line("VERSION:2.0")
	iw.line("CALSCALE:GREGORIAN")
	iw.line("METHOD:PUBLISH")
	iw.prop("X-WR-CALNAME", tr(opt.Lang, "calendar"))
	for _, fu := range items {
		due, err := time.Parse(data.DateLayout, string(fu.Due))
		if err != nil {
			continue // the store validates due dates; nothing to put in a calendar without one
		}
		day := due.Format("20060102")
		summary := fu.Title
		desc := description(fu, n, opt.Lang)
		class := ""
		switch fu.Confidentiality {
		case data.Private:
			class = "PRIVATE"
		case data.Office:
			class = "CONFIDENTIAL"
		}
		modified := ""
		if !fu.Updated.IsZero() {
			modified = fu.Updated.UTC().Format("20060102T150405Z")
		}

		iw.line("BEGIN:VEVENT")
		iw.line("UID:" + string(fu.ID) + "-event@" + uidDomain)
		iw.line("DTSTAMP:" + stamp)
		iw.line("DTSTART;VALUE=DATE:" + day)
		iw.line("DTEND;VALUE=DATE:" + due.AddDate(0, 0, 1).Format("20060102"))
		iw.prop("SUMMARY", summary)
		if desc != "" {
			iw.prop("DESCRIPTION", desc)
		}
		// A follow-up is a deadline, not a busy day.
		iw.line("TRANSP:TRANSPARENT")
		if fu.Status == data.StatusDropped {
			iw.line("STATUS:CANCELLED")
		}
		if class != "" {
			iw.line("CLASS:" + class)
		}
		if modified != "" {
			iw.line("LAST-MODIFIED:" + modified)
		}
		if fu.Status == data.StatusOpen || fu.Status == data.StatusInProgress {
			iw.line("BEGIN:VALARM")
			iw.line("ACTION:DISPLAY")
			iw.prop("DESCRIPTION", summary)
			iw.line("TRIGGER:PT9H")
			iw.line("END:VALARM")
		}
		iw.line("END:VEVENT")

		iw.line("BEGIN:VTODO")
		iw.line("UID:" + string(fu.ID) + "-todo@" + uidDomain)
		iw.line("DTSTAMP:" + stamp)
		iw.line("DUE;VALUE=DATE:" + day)
		iw.prop("SUMMARY", summary)
		if desc != "" {
			iw.prop("DESCRIPTION", desc)
		}
		iw.line("STATUS:" + todoStatus(fu.Status))
		iw.line("PRIORITY:" + todoPriority(fu.Priority))
		if fu.Status == data.StatusDone {
			iw.line("PERCENT-COMPLETE:100")
			if t, err := time.Parse(data.DateLayout, string(fu.DoneAt)); err == nil {
				iw.line("COMPLETED:" + t.Add(12*time.Hour).Format("20060102T150405Z"))
			}
		}
		if class != "" {
			iw.line("CLASS:" + class)
		}
		if modified != "" {
			iw.line("LAST-MODIFIED:" + modified)
		}
		iw.line("END:VTODO")
	}
	iw.line("END:VCALENDAR")
	if iw.err != nil {
		return iw.err
	}
	return iw.w.Flush()
}

// description is the follow-up's details followed by who and where, so a
// calendar entry makes sense on its own.
func description(fu *data.FollowUp, n *names, lang string) string {
	var parts []string
	if d := strings.TrimSpace(fu.Details); d != "" {
		parts = append(parts, d, "")
	}
	for _, kv := range [][2]string{
		{"owner", fu.Owner},
		{"company", n.label(fu.Org)},
		{"contact", n.label(fu.Contact)},
		{"mission", n.label(fu.Mission)},
		{"meeting", n.label(fu.Meeting)},
	} {
		if kv[1] != "" {
			parts = append(parts, tr(lang, kv[0])+": "+kv[1])
		}
	}
	return strings.TrimSpace(strings.Join(parts, "\n"))
}

func todoStatus(s data.Status) string {
	switch s {
	case data.StatusInProgress:
		return "IN-PROCESS"
	case data.StatusDone:
		return "COMPLETED"
	case data.StatusDropped:
		return "CANCELLED"
	}
	return "NEEDS-ACTION"
}

// todoPriority maps to RFC 5545's 1 (highest) … 9 (lowest), using the
// values the standard names for a three-level scheme (1, 5, 9).
func todoPriority(p data.Priority) string {
	switch p {
	case data.PriorityHigh:
		return "1"
	case data.PriorityLow:
		return "9"
	}
	return "5"
}

// icsWriter writes content lines folded at 75 octets.
type icsWriter struct {
	w   *bufio.Writer
	err error
}

// prop writes a TEXT property, escaped.
func (iw *icsWriter) prop(name, value string) { iw.line(name + ":" + escapeText(value)) }

// line folds s into lines of at most 75 octets (CRLF not counted): each
// continuation starts with a space, which counts toward its 75. A cut
// never falls inside a UTF-8 sequence.
func (iw *icsWriter) line(s string) {
	if iw.err != nil {
		return
	}
	limit := 75
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		iw.write(s[:cut])
		iw.write("\r\n ")
		s = s[cut:]
		limit = 74
	}
	iw.write(s)
	iw.write("\r\n")
}

func (iw *icsWriter) write(s string) {
	if iw.err == nil {
		_, iw.err = iw.w.WriteString(s)
	}
}

// escapeText escapes a TEXT value (RFC 5545 3.3.11): backslash, semicolon,
// comma and newline; other control characters are not allowed and dropped.
func escapeText(s string) string {
	var b strings.Builder
	s = strings.ReplaceAll(s, "\r\n", "\n")
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r < 0x20 && r != '\t' || r == 0x7F:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
