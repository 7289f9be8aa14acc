package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	badger "github.com/dgraph-io/badger/v4"

	"github.com/clusme/fieldbook/data"
)

// PutBlob stores content under its SHA-256 (hex) and returns it. Storing
// the same content twice keeps one copy.
func (s *Store) PutBlob(ctx context.Context, content []byte) (string, error) {
	sum := sha256.Sum256(content)
	key := append([]byte{pBlob}, sum[:]...)
	s.wmu.Lock()
	defer s.wmu.Unlock()
	err := s.db.Update(func(txn *badger.Txn) error {
		if _, err := txn.Get(key); err == nil {
			return nil
		}
		return txn.Set(key, content)
	})
	if err != nil {
		return "", fmt.Errorf("store blob: %w", err)
	}
	return hex.EncodeToString(sum[:]), nil
}

// Blob returns the content stored under a SHA-256 (hex).
func (s *Store) Blob(ctx context.Context, sha string) ([]byte, error) {
	raw, err := hex.DecodeString(sha)
	if err != nil || len(raw) != sha256.Size {
		return nil, data.Errorf(data.ErrInvalid, "%q is not a SHA-256", sha)
	}
	var out []byte
	err = s.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(append([]byte{pBlob}, raw...))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return data.Errorf(data.ErrNotFound, "no blob %s", sha)
		}
		if err != nil {
			return err
		}
		out, err = item.ValueCopy(nil)
		return err
	})
	return out, err
}
