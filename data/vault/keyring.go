package vault

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/internal/fsutil"
	"github.com/clusme/fieldbook/data/store"
)

// Params are the Argon2id costs of deriving the wrapping key from a
// passphrase. Every keyring records its own, so they can be raised later
// without breaking existing stores: ChangePassphrase rewraps with the
// current DefaultParams.
type Params struct {
	Time      uint32 // passes over memory
	MemoryKiB uint32 // memory, KiB
	Threads   uint8  // lanes (parallelism)
}

// DefaultParams are what new keyrings use (see defaultParams). Tests —
// also other packages' — may lower them to keep runs fast; nothing else
// should change them.
var DefaultParams = defaultParams

// defaultParams are ten times OWASP's minimum for Argon2id (19 MiB, 2
// passes, 1 lane) in memory × time: 128 MiB, 3 passes, 2 lanes. An unlock
// takes about half a second on the 2-core development machine
// (BenchmarkUnlock; docs/SECURITY.md has the figures). 256 MiB would
// double every guess's cost for an attacker but took 1.5–1.8 s there,
// past the second a user should wait at every start; 64 MiB (RFC 9106's
// second recommendation) would leave half the affordable strength unused.
var defaultParams = Params{Time: 3, MemoryKiB: 128 << 10, Threads: 2}

// Bounds a keyring's parameters must respect before any work is done on
// them, so a damaged or hostile keyring cannot ask for 100 GB of memory.
const (
	maxTime      = 64
	maxMemoryKiB = 4 << 20 // 4 GiB
	maxThreads   = 64
	saltLen      = 16
	keyLen       = 32
)

const keyringVersion = 1

// keyringFile is keyring.json. The AEAD's additional data binds every
// header field (see aad), so a changed parameter fails to unlock instead of
// silently weakening the derivation; Check (a SHA-256 of the rest) tells
// a damaged file from a wrong passphrase, which the AEAD alone cannot.
type keyringFile struct {
	Version   int    `json:"version"`
	KDF       string `json:"kdf"`
	Time      uint32 `json:"time"`
	MemoryKiB uint32 `json:"memory_kib"`
	Threads   uint8  `json:"threads"`
	Salt      string `json:"salt"`
	Nonce     string `json:"nonce"`
	Wrapped   string `json:"wrapped"`
	Check     string `json:"check"`
}

var b64 = base64.StdEncoding

func (k *keyringFile) aad() []byte {
	return fmt.Appendf(nil, "fieldbook-keyring\x00version=%d\x00kdf=%s\x00time=%d\x00memory_kib=%d\x00threads=%d\x00salt=%s",
		k.Version, k.KDF, k.Time, k.MemoryKiB, k.Threads, k.Salt)
}

func (k *keyringFile) checksum() string {
	h := sha256.New()
	h.Write(k.aad())
	fmt.Fprintf(h, "\x00nonce=%s\x00wrapped=%s", k.Nonce, k.Wrapped)
	return hex.EncodeToString(h.Sum(nil))
}

// wrapKey wraps the data key with a passphrase under p.
func wrapKey(key, passphrase []byte, p Params) (*keyringFile, error) {
	if len(key) != keyLen {
		return nil, fmt.Errorf("wrap: data key must be %d bytes", keyLen)
	}
	salt := make([]byte, saltLen)
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	k := &keyringFile{Version: keyringVersion, KDF: "argon2id", Time: p.Time, MemoryKiB: p.MemoryKiB, Threads: p.Threads,
		Salt: b64.EncodeToString(salt), Nonce: b64.EncodeToString(nonce)}
	wk := derive(passphrase, salt, p)
	defer clear(wk)
	aead, err := chacha20poly1305.NewX(wk)
	if err != nil {
		return nil, err
	}
	k.Wrapped = b64.EncodeToString(aead.Seal(nil, nonce, key, k.aad()))
	k.Check = k.checksum()
	return k, nil
}

func derive(passphrase, salt []byte, p Params) []byte {
	wk := argon2.IDKey(passphrase, salt, p.Time, p.MemoryKiB, p.Threads, chacha20poly1305.KeySize)
	// Hand the derivation's memory (256 MiB by default) back to the OS
	// now rather than whenever the scavenger gets to it: the desktop app
	// otherwise carries it in its RSS for minutes.
	debug.FreeOSMemory()
	return wk
}

// damaged is the error for a keyring that cannot be read: a wrong
// passphrase could not fix it, so it must not read like one.
func damaged(path, why string) error {
	return data.Errorf(data.ErrInvalid, "the keyring %s is damaged (%s): restore the data directory from a backup", path, why)
}

// parse checks a keyring's form and returns its salt, nonce and wrapped key.
func (k *keyringFile) parse(path string) (salt, nonce, wrapped []byte, err error) {
	switch {
	case k.Version > keyringVersion:
		return nil, nil, nil, data.Errorf(data.ErrSchema, "the keyring %s was written by a newer Fieldbook (version %d): please update Fieldbook", path, k.Version)
	case k.Version != keyringVersion:
		return nil, nil, nil, damaged(path, fmt.Sprintf("version %d", k.Version))
	case k.KDF != "argon2id":
		return nil, nil, nil, damaged(path, fmt.Sprintf("unknown key derivation %q", k.KDF))
	case k.Check != k.checksum():
		return nil, nil, nil, damaged(path, "its checksum does not match")
	case k.Time < 1 || k.Time > maxTime || k.Threads < 1 || k.Threads > maxThreads ||
		k.MemoryKiB < 8*uint32(k.Threads) || k.MemoryKiB > maxMemoryKiB:
		return nil, nil, nil, damaged(path, fmt.Sprintf("parameters out of range: time=%d memory_kib=%d threads=%d", k.Time, k.MemoryKiB, k.Threads))
	}
	salt, err1 := b64.DecodeString(k.Salt)
	nonce, err2 := b64.DecodeString(k.Nonce)
	wrapped, err3 := b64.DecodeString(k.Wrapped)
	if err := errors.Join(err1, err2, err3); err != nil || len(salt) < saltLen || len(nonce) != chacha20poly1305.NonceSizeX ||
		len(wrapped) != keyLen+chacha20poly1305.Overhead {
		return nil, nil, nil, damaged(path, "bad salt, nonce or wrapped key")
	}
	return salt, nonce, wrapped, nil
}

// unwrap returns the data key; a wrong passphrase is ErrLocked.
func (k *keyringFile) unwrap(path string, passphrase []byte) ([]byte, error) {
	salt, nonce, wrapped, err := k.parse(path)
	if err != nil {
		return nil, err
	}
	wk := derive(passphrase, salt, Params{Time: k.Time, MemoryKiB: k.MemoryKiB, Threads: k.Threads})
	defer clear(wk)
	aead, err := chacha20poly1305.NewX(wk)
	if err != nil {
		return nil, err
	}
	key, err := aead.Open(nil, nonce, wrapped, k.aad())
	if err != nil {
		return nil, data.Errorf(data.ErrLocked, "wrong passphrase")
	}
	return key, nil
}

func keyringPath(dir string) string { return filepath.Join(dir, store.KeyringFile) }

func readKeyring(dir string) (*keyringFile, string, error) {
	path := keyringPath(dir)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, path, data.Errorf(data.ErrInvalid, "the data in %s is encrypted, but its keyring %s is missing: restore the data directory from a backup", dir, store.KeyringFile)
	}
	if err != nil {
		return nil, path, err
	}
	var k keyringFile
	if err := json.Unmarshal(b, &k); err != nil {
		return nil, path, damaged(path, "not valid keyring JSON")
	}
	return &k, path, nil
}

// writeKeyring writes a keyring atomically (temporary file, fsync, rename,
// fsync of the directory).
func writeKeyring(path string, k *keyringFile) error {
	b, err := json.MarshalIndent(k, "", "  ")
	if err != nil {
		return err
	}
	return fsutil.WriteFileAtomic(path, append(b, '\n'), 0o600)
}

func checkPassphrase(p []byte, what string) error {
	if len(p) == 0 {
		return data.Errorf(data.ErrInvalid, "the %s is empty", what)
	}
	return nil
}

// Encrypted reports whether the store in dir is encrypted (a directory
// without a store is not). It first finishes any conversion a crash
// interrupted, so the answer matches the database in place, and checks
// that an encrypted store has its keyring.
func Encrypted(dir string) (bool, error) {
	enc, err := store.Encrypted(dir)
	if err != nil || !enc {
		return enc, err
	}
	if _, err := os.Stat(keyringPath(dir)); err != nil {
		return true, data.Errorf(data.ErrInvalid, "the data in %s is encrypted, but its keyring %s is missing: restore the data directory from a backup", dir, store.KeyringFile)
	}
	return true, nil
}

// Unlock returns the data key of the encrypted store in dir. A wrong
// passphrase is ErrLocked ("wrong passphrase"); a missing or damaged
// keyring is ErrInvalid and says so. Nothing is written.
func Unlock(dir string, passphrase []byte) ([]byte, error) {
	if err := checkPassphrase(passphrase, "passphrase"); err != nil {
		return nil, err
	}
	enc, err := store.Encrypted(dir)
	if err != nil {
		return nil, err
	}
	if !enc {
		return nil, data.Errorf(data.ErrInvalid, "the data in %s is not encrypted", dir)
	}
	k, path, err := readKeyring(dir)
	if err != nil {
		return nil, err
	}
	return k.unwrap(path, passphrase)
}

// ChangePassphrase rewraps the data key of the store in dir with a new
// passphrase. Only keyring.json changes (atomically): the data is not
// rewritten, and the store may be open meanwhile. The new keyring uses the
// current DefaultParams.
func ChangePassphrase(dir string, old, new []byte) error {
	if err := checkPassphrase(new, "new passphrase"); err != nil {
		return err
	}
	key, err := Unlock(dir, old)
	if err != nil {
		return err
	}
	defer clear(key)
	k, err := wrapKey(key, new, DefaultParams)
	if err != nil {
		return err
	}
	if err := writeKeyring(keyringPath(dir), k); err != nil {
		return fmt.Errorf("change passphrase: %w", err)
	}
	return nil
}
