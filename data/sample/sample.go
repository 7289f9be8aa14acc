// Package sample loads Fieldbook's sample missions (embedded in resources/)
// and generates synthetic data at scale for demos and benchmarks. Both are
// deterministic: the same input gives the same records with the same IDs,
// so loading twice changes nothing.
package sample

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
	"github.com/clusme/fieldbook/resources"
)

// idEpoch is the timestamp part of sample IDs: the sample data "was
// created" at the start of 2026.
var idEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// file is the layout of resources/sample/missions.json. Every string that
// starts with "@" is a symbolic reference ("@org:sim-calibration") that is
// replaced by a stable ULID derived from it.
type file struct {
	Records []struct {
		Kind   data.Kind       `json:"kind"`
		Record json.RawMessage `json:"record"`
	} `json:"records"`
}

// Records decodes the embedded sample missions.
func Records() ([]data.Record, error) {
	b, err := resources.FS.ReadFile("sample/missions.json")
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// Parse decodes a sample file (see file) into records with resolved IDs.
func Parse(b []byte) ([]data.Record, error) {
	var f file
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("sample data: %w", err)
	}
	out := make([]data.Record, 0, len(f.Records))
	for i, r := range f.Records {
		var v any
		if err := json.Unmarshal(r.Record, &v); err != nil {
			return nil, fmt.Errorf("sample record %d: %w", i, err)
		}
		resolved, _ := json.Marshal(resolveRefs(v))
		rec, err := data.New(r.Kind)
		if err != nil {
			return nil, fmt.Errorf("sample record %d: %w", i, err)
		}
		if err := json.Unmarshal(resolved, rec); err != nil {
			return nil, fmt.Errorf("sample record %d (%s): %w", i, r.Kind, err)
		}
		if rec.Meta().ID == "" {
			return nil, fmt.Errorf("sample record %d (%s) has no id", i, r.Kind)
		}
		id, err := data.ParseID(string(rec.Meta().ID))
		if err != nil {
			return nil, fmt.Errorf("sample record %d (%s): %w", i, r.Kind, err)
		}
		rec.Meta().ID = id
		if c, ok := rec.(*data.Contact); ok && c.Source == "" {
			c.Source = "sample"
		}
		out = append(out, rec)
	}
	return out, nil
}

// RefID is the ID a symbolic reference ("@org:…") stands for.
func RefID(ref string) data.ID { return data.DeterministicID(idEpoch, ref) }

func resolveRefs(v any) any {
	switch x := v.(type) {
	case string:
		if strings.HasPrefix(x, "@") {
			return string(RefID(x))
		}
	case []any:
		for i := range x {
			x[i] = resolveRefs(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = resolveRefs(x[k])
		}
	}
	return v
}

// Load saves the sample missions into s. It is idempotent: records already
// there, or deleted by the user, are left alone.
func Load(ctx context.Context, s *store.Store) (store.ImportResult, error) {
	recs, err := Records()
	if err != nil {
		return store.ImportResult{}, err
	}
	return s.Import(ctx, recs, nil)
}
