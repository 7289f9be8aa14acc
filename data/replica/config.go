package replica

import (
	"context"
	"errors"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// Config is the remembered sync setup of this replica, kept in the store's
// settings (so, like the records, encrypted when the store is protected).
type Config struct {
	// Location is a folder path or a WebDAV URL (http:// or https://).
	Location string `json:"location"`
	User     string `json:"user,omitempty"`
	Password string `json:"password,omitempty"`
	// Secret is the delegation key as an age secret key (see Key).
	Secret string `json:"secret,omitempty"`
	// Code is the delegation code the key came from, if it came from one,
	// so it can be shown for others to type or scan.
	Code string `json:"code,omitempty"`
}

const configSetting = "sync.config"

// LoadConfig returns the remembered setup (zero when there is none).
func LoadConfig(ctx context.Context, s *store.Store) (Config, error) {
	var c Config
	if err := s.Setting(ctx, configSetting, &c); err != nil && !errors.Is(err, data.ErrNotFound) {
		return Config{}, err
	}
	return c, nil
}

// SaveConfig remembers the setup.
func SaveConfig(ctx context.Context, s *store.Store, c Config) error {
	return s.SetSetting(ctx, configSetting, c)
}

// Key is the configured delegation key, if any.
func (c Config) Key() (Key, error) {
	if c.Secret == "" {
		return Key{}, data.Errorf(data.ErrInvalid, "no delegation sync key is set (sync key new, or sync key set CODE)")
	}
	return KeyFromSecret(c.Secret)
}

// Status is what sync status shows: per location, when it last synced and
// what it knows of the other devices; how many of this device's changes no
// location has yet; open conflicts.
type Status struct {
	Device    data.ID          `json:"device"`
	Location  string           `json:"location,omitempty"` // the configured one
	KeySet    bool             `json:"key_set"`
	LastSeq   uint64           `json:"last_seq"`
	Locations []LocationStatus `json:"locations"`
	Conflicts int              `json:"conflicts"`
}

// LocationStatus is one sync root as this replica last saw it.
type LocationStatus struct {
	Location  string        `json:"location"`
	LastSync  time.Time     `json:"last_sync"`
	LastError string        `json:"last_error,omitempty"`
	Unpushed  uint64        `json:"unpushed"` // own changes not written there yet
	Devices   []DeviceState `json:"devices"`
	Skipped   []string      `json:"skipped,omitempty"` // damaged or foreign files
}

// GetStatus reads the sync status from the store alone (no transport).
func GetStatus(ctx context.Context, s *store.Store) (Status, error) {
	cfg, err := LoadConfig(ctx, s)
	if err != nil {
		return Status{}, err
	}
	st, err := loadState(ctx, s)
	if err != nil {
		return Status{}, err
	}
	merged, err := s.Merged(ctx)
	if err != nil {
		return Status{}, err
	}
	cs, err := s.Conflicts(ctx)
	if err != nil {
		return Status{}, err
	}
	out := Status{Device: s.Device(), Location: cfg.Location, KeySet: cfg.Secret != "", LastSeq: s.LastSeq(), Conflicts: len(cs),
		Locations: []LocationStatus{}}
	for loc, ls := range st.Locations {
		l := LocationStatus{Location: loc, LastSync: ls.LastSync, LastError: ls.LastError, Devices: []DeviceState{}}
		if out.LastSeq > ls.PushedTo {
			l.Unpushed = out.LastSeq - ls.PushedTo
		}
		for dev, n := range ls.Read {
			l.Devices = append(l.Devices, DeviceState{Device: dev, Segments: n, Merged: merged[dev]})
		}
		for name := range ls.Bad {
			l.Skipped = append(l.Skipped, name)
		}
		out.Locations = append(out.Locations, l)
	}
	return out, nil
}
