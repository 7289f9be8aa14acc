package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
)

// Settings are device-local values kept beside the records (my own
// profile, the last sync position …). They are not records: they have no
// change log entries, so they never travel through sync, and a backup
// copies them with everything else.
func settingKey(name string) []byte { return metaKey("setting/" + name) }

// Setting reads the setting name into v (JSON). A setting never written is
// data.ErrNotFound.
func (s *Store) Setting(ctx context.Context, name string, v any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(settingKey(name))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return data.Errorf(data.ErrNotFound, "setting %q is not set", name)
		}
		if err != nil {
			return fmt.Errorf("setting %s: %w", name, err)
		}
		return item.Value(func(b []byte) error {
			if err := json.Unmarshal(b, v); err != nil {
				return fmt.Errorf("setting %s: %w", name, err)
			}
			return nil
		})
	})
}

// SetSetting stores v (JSON) as the setting name, durably.
func (s *Store) SetSetting(ctx context.Context, name string, v any) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("setting %s: %w", name, err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.db.Update(func(txn *badger.Txn) error { return txn.Set(settingKey(name), b) })
}

// Profile returns my own card; an empty Profile when none is set.
func (s *Store) Profile(ctx context.Context) (data.Profile, error) {
	var p data.Profile
	err := s.Setting(ctx, "profile", &p)
	if errors.Is(err, data.ErrNotFound) {
		return data.Profile{}, nil
	}
	return p, err
}

// SetProfile validates and stores my own card.
func (s *Store) SetProfile(ctx context.Context, p data.Profile) error {
	if err := p.Validate(); err != nil {
		return err
	}
	return s.SetSetting(ctx, "profile", p)
}
