// Package data holds Fieldbook's domain model: the record types a delegate
// works with (missions, organizations, contacts, meetings, follow-ups,
// attachments), their validation rules, identifiers and the sentinel errors
// every layer above uses. It knows nothing about storage or any user
// interface; data/store persists these types and app/ shows them.
package data
