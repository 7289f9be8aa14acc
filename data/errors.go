package data

import (
	"errors"
	"fmt"
)

// Sentinel errors. Every layer wraps these with %w so callers can decide with
// errors.Is what to tell the user (the CLI maps ErrInvalid to exit code 2).
var (
	ErrNotFound = errors.New("not found")
	ErrInvalid  = errors.New("invalid")
	ErrConflict = errors.New("conflict")
	// ErrLocked means the store is encrypted and no (or a wrong) key was given.
	ErrLocked = errors.New("locked")
	// ErrInUse means another process has the data directory open.
	ErrInUse = errors.New("in use")
	// ErrSchema means the data directory was written by a newer Fieldbook.
	ErrSchema = errors.New("unsupported schema")
)

// FieldError names the record kind and field that failed validation, so a
// message like "contact: email \"x@\": not a valid address" can be shown as is.
type FieldError struct {
	Kind  Kind
	Field string
	Value string
	Msg   string
}

func (e *FieldError) Error() string {
	if e.Value != "" {
		return fmt.Sprintf("%s: %s %q: %s", e.Kind, e.Field, e.Value, e.Msg)
	}
	return fmt.Sprintf("%s: %s: %s", e.Kind, e.Field, e.Msg)
}

// Unwrap makes every FieldError an ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

func fieldErr(k Kind, field, value, msg string) error {
	return &FieldError{Kind: k, Field: field, Value: value, Msg: msg}
}

// Errorf returns an error that reads as the formatted message alone but
// matches kind (one of the sentinels above) with errors.Is, so messages
// say what went wrong without a "not found: " prefix glued on.
func Errorf(kind error, format string, a ...any) error {
	return &kindError{kind: kind, msg: fmt.Sprintf(format, a...)}
}

type kindError struct {
	kind error
	msg  string
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }
