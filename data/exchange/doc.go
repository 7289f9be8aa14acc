// Package exchange moves Fieldbook's records in and out in the formats
// delegates' other tools use: follow-up lists as CSV, XLSX and iCalendar,
// contacts as CSV and XLSX, everything as one versioned JSON document, and
// participant and agenda lists (CSV or XLSX with arbitrary headers, as B2B
// matchmaking platforms export them) imported into the store.
//
// XLSX is read and written with github.com/xuri/excelize/v2, a well-kept
// library for XLSX (DESIGN.md: real formats with well-kept libraries).
// CSV uses encoding/csv. iCalendar is small enough to write here.
//
// # Exporting
//
// CSV is UTF-8 with a byte-order mark (without it Excel reads UTF-8 as the
// local ANSI code page and mangles ä, õ and Cyrillic), CRLF line ends,
// RFC 4180 quoting, a header row, and ',' or ';' as the separator (Excel
// in Finnish, Estonian and Russian locales expects ';'). Dates are
// YYYY-MM-DD. A cell starting with = + - or @ gets a leading ' so that a
// spreadsheet shows it as text instead of running it as a formula (CSV
// formula injection: a contact's name typed as =HYPERLINK(…) must not
// become a live formula on the office PC). That includes phone numbers
// written "+358 …"; Import drops such a ' again, so exported files import
// cleanly. XLSX cells are typed strings, which no spreadsheet evaluates, so
// they are written unchanged.
//
// XLSX has a bold, filled header row that stays frozen, an autofilter,
// due dates as real Excel dates (number format yyyy-mm-dd), and column
// widths from the content (capped). Follow-ups of several missions go on
// one sheet per mission (plus "No mission"), unless the filter names one.
//
// iCalendar (RFC 5545) gives each follow-up an all-day VEVENT on its due
// date and a VTODO due that day. UIDs are derived from the record ID
// (<ULID>-event@fieldbook.clusme.eu, <ULID>-todo@…), so importing a newer
// export into a calendar updates the entries instead of duplicating them.
// Open and in-progress follow-ups' events carry a VALARM with TRIGGER:PT9H:
// relative to the start of an all-day event that is 09:00 local time on
// the due day, a reminder one sees at work on the day (a negative trigger
// would ring the afternoon before). Done and dropped follow-ups get no
// alarm: a reminder of finished work is noise. Text is escaped, lines are
// folded at 75 octets without splitting a UTF-8 sequence, lines end CRLF.
// A done follow-up's COMPLETED is 12:00 UTC of its done date, which is
// that same calendar day in every zone from UTC−11 to UTC+11.
//
// Private records are left out of every export unless Filter.IncludePrivate
// is set; a shared record's link to a private one is then dropped too (the
// follow-up of a private meeting is exported without the meeting's title).
// Follow-up owners are compared case- and diacritics-insensitively. The
// contact export uses only the filter's mission and IncludePrivate; the
// attendees of private meetings count only with IncludePrivate.
//
// # Importing
//
// Import detects the format by content (a ZIP is XLSX, '{' starts JSON,
// other text is CSV; the name is only a hint for error messages). CSV may
// be UTF-8 (with or without BOM), UTF-16 with a BOM, or — when it is not
// valid UTF-8 — Windows-1252 or Windows-1251 (guessed from the bytes: the
// encodings Excel's plain "CSV" uses in Western and Cyrillic locales). The
// separator is whichever of , ; or tab the header line has most of.
//
// The header row is the first of the first ten rows in which a column is
// recognised as a person's name or a company (exports often start with a
// title line). Headers are matched after folding (data/locale.Fold) and
// turning punctuation into spaces, first against known names in English,
// Finnish, Estonian and Russian, then by key words; ImportOptions.Map
// overrides both. Blank and unknown headers are ignored (reported as
// "ignore" in ImportReport.Columns). Several e-mail, phone or notes columns
// are all used; for other fields the first column wins.
//
// A full name is split at its last word into given and family name ("Anna
// van der Berg": particles such as van, der, de, von stay with the family
// name); "Family, Given" with a comma and a column headed ФИО (family name
// first, as Russian lists write it) are read the other way round.
//
// Organizations match an existing one by folded name; new ones are hosts
// when the import's mission is in their country, partners otherwise.
// Contacts match by e-mail (case-insensitive), else by folded full name and
// organization. A match is only ever filled in: empty fields get the
// file's values and new e-mails and phones are added; nothing a user typed
// is overwritten. Records within one file are merged the same way, so a
// person listed twice is created once.
//
// A row with a meeting time is an agenda row: it becomes a b2b meeting of
// ImportOptions.Mission at that wall-clock time in the mission's zone,
// titled "B2B: <organization>" (or the person's name when there is no
// organization), with the row's contact and organization, and the table (a bare number n
// becomes "Table n") as its location. Times may be "YYYY-MM-DD HH:MM",
// "DD.MM.YYYY HH:MM", a slot "HH:MM-HH:MM" (which also sets the duration),
// a bare "HH:MM" or slot — on the day in the row's date column ("Date",
// "Päivämäärä", "Kuupäev", "Дата"; YYYY-MM-DD, DD.MM.YYYY or an Excel
// date) when the list has one, else on the mission's start date — or an
// Excel date cell. A
// meeting of the same mission at the same start with the same organization
// (or, without one, the same contact) is the same meeting.
//
// A bad row (invalid e-mail or phone, unknown country, unparseable time,
// neither name nor company) is reported as a Problem with its row number as
// a spreadsheet shows it, and skipped as a whole; the good rows are
// imported. Files that cannot be read at all — empty, not CSV/XLSX/JSON,
// no name or company column, a JSON export from a newer Fieldbook — are an
// error wrapping data.ErrInvalid, and nothing is written. New records are
// written with store.Import (a transaction per 200 records), then updates
// one per record. DryRun computes the same report and writes nothing.
//
// A Fieldbook JSON export is imported record by record with the records'
// own IDs; records already in the store (or deleted there) are left
// untouched, so importing the same file twice changes nothing the second
// time. Attachment content travels base64-encoded under its SHA-256.
package exchange
