package vault

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// Open opens the store in dir: an encrypted one is unlocked with
// passphrase, a plaintext one (or a new directory) is opened as it is. A
// passphrase given for a plaintext store is refused rather than ignored —
// the user believes the data is protected, and it is not.
func Open(ctx context.Context, dir string, passphrase []byte, opt store.Options) (*store.Store, error) {
	enc, err := Encrypted(dir)
	if err != nil {
		return nil, err
	}
	if !enc {
		if len(passphrase) > 0 {
			return nil, data.Errorf(data.ErrInvalid, "the data in %s is not encrypted, but a passphrase was given (set one with \"passphrase set\")", dir)
		}
		opt.EncryptionKey = nil
		return store.Open(ctx, dir, opt)
	}
	if len(passphrase) == 0 {
		return nil, data.Errorf(data.ErrLocked, "the data in %s is encrypted; a passphrase is needed", dir)
	}
	key, err := Unlock(dir, passphrase)
	if err != nil {
		return nil, err
	}
	defer clear(key) // Badger keeps its own copy
	opt.EncryptionKey = key
	return store.Open(ctx, dir, opt)
}

func newDataKey() ([]byte, error) {
	key := make([]byte, keyLen)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("generate a data key: %w", err)
	}
	return key, nil
}

// SetPassphrase encrypts the plaintext store in dir: a new random data key,
// wrapped with passphrase, and a rewrite of the whole store under it (see
// store.Convert; it is crash-safe and checks there is disk space for a
// second copy first). A directory without a store gets an empty encrypted
// one. The store must not be open (ErrInUse).
func SetPassphrase(ctx context.Context, dir string, passphrase []byte) error {
	if err := checkPassphrase(passphrase, "passphrase"); err != nil {
		return err
	}
	enc, err := Encrypted(dir)
	if err != nil {
		return err
	}
	if enc {
		return data.Errorf(data.ErrInvalid, "the data in %s is already encrypted (change the passphrase instead)", dir)
	}
	if _, err := os.Stat(filepath.Join(dir, "db")); errors.Is(err, fs.ErrNotExist) {
		s, err := store.Open(ctx, dir, store.Options{})
		if err != nil {
			return err
		}
		if err := s.Close(); err != nil {
			return err
		}
	}
	key, err := newDataKey()
	if err != nil {
		return err
	}
	defer clear(key)
	k, err := wrapKey(key, passphrase, DefaultParams)
	if err != nil {
		return err
	}
	return store.Convert(ctx, dir, nil, key, func(tmp string) error {
		return writeKeyring(filepath.Join(tmp, store.KeyringFile), k)
	})
}

// RemovePassphrase decrypts the store in dir for good: it is rewritten as
// plaintext (store.Convert) and the keyring is removed with the swap. The
// store must not be open.
func RemovePassphrase(ctx context.Context, dir string, passphrase []byte) error {
	key, err := Unlock(dir, passphrase)
	if err != nil {
		return err
	}
	defer clear(key)
	return store.Convert(ctx, dir, key, nil, nil)
}

// Erase removes the record id from the store in dir for good and rewrites
// the store so nothing of it is left in the files (store.Erase,
// store.EraseAndCompact), unlocking it with passphrase if it is encrypted.
// The store must not be open.
func Erase(ctx context.Context, dir string, passphrase []byte, id data.ID) error {
	enc, err := Encrypted(dir)
	if err != nil {
		return err
	}
	var key []byte
	if enc {
		if key, err = Unlock(dir, passphrase); err != nil {
			return err
		}
		defer clear(key)
	} else if len(passphrase) > 0 {
		return data.Errorf(data.ErrInvalid, "the data in %s is not encrypted, but a passphrase was given", dir)
	}
	return store.EraseAndCompact(ctx, dir, key, id)
}

// maxPassphraseFile bounds what ReadPassphraseFile reads: a passphrase
// file is a line, and a mistyped path to a video should fail, not load.
const maxPassphraseFile = 64 << 10

// ReadPassphraseFile reads a passphrase from a file, dropping exactly one
// trailing newline ("\n" or "\r\n") — the one editors and `echo` add — and
// nothing else: spaces are part of the passphrase. An empty passphrase is
// refused.
func ReadPassphraseFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPassphraseFile+1))
	if err != nil {
		return nil, fmt.Errorf("read passphrase: %w", err)
	}
	if len(b) > maxPassphraseFile {
		return nil, data.Errorf(data.ErrInvalid, "passphrase file %s is larger than %d KiB: is it the right file?", path, maxPassphraseFile>>10)
	}
	if bytes.HasSuffix(b, []byte("\r\n")) {
		b = b[:len(b)-2]
	} else if bytes.HasSuffix(b, []byte("\n")) {
		b = b[:len(b)-1]
	}
	if len(b) == 0 {
		return nil, data.Errorf(data.ErrInvalid, "passphrase file %s is empty", path)
	}
	return b, nil
}
