package replica

import (
	"crypto/rand"
	"fmt"
	"strings"

	"filippo.io/age"
	"golang.org/x/crypto/argon2"

	"github.com/clusme/fieldbook/data"
)

// The delegation key. Everyone in a delegation shares one age X25519
// identity: segments and blobs are encrypted to its recipient and read
// with it. Public-key encryption to one shared identity, rather than age's
// passphrase (scrypt) mode, because scrypt runs on every file — a second
// per segment on a laptop — while the identity is derived once.
//
// The identity comes from one of:
//   - a delegation code that Fieldbook makes ("FB-7K4M-QX2R-9T6W-HJ3P-AZ5N"):
//     100 random bits in Crockford base32, short enough to read out or
//     type from a slide, and shown as a QR code to scan;
//   - a passphrase the delegation agrees on (at least 12 characters);
//   - an age secret key ("AGE-SECRET-KEY-1…") generated elsewhere.
//
// Codes and passphrases are stretched with Argon2id (64 MiB, 3 passes)
// and a fixed, Fieldbook-specific salt: every member must reach the same
// key from the same words, and there is no place to keep a shared salt
// before the first sync. The stretching is what makes a guessed
// passphrase expensive to try.

// Key is a delegation's sync key.
type Key struct {
	id *age.X25519Identity
}

// KeyFromSecret reads a delegation code, a passphrase or an age secret key.
func KeyFromSecret(secret string) (Key, error) {
	s := strings.TrimSpace(secret)
	if strings.HasPrefix(strings.ToUpper(s), "AGE-SECRET-KEY-1") {
		id, err := age.ParseX25519Identity(strings.ToUpper(s))
		if err != nil {
			return Key{}, data.Errorf(data.ErrInvalid, "the age secret key is not valid: %v", err)
		}
		return Key{id: id}, nil
	}
	if code, ok := normalizeCode(s); ok {
		return deriveKey("code:" + code)
	}
	if looksLikeCode(s) {
		return Key{}, data.Errorf(data.ErrInvalid, "%q is not a valid delegation code: a code is FB and 20 letters and digits (no I, L, O or U), like FB-7K4M-QX2R-9T6W-HJ3P-AZ5N; check it against the original", s)
	}
	if len([]rune(s)) < 12 {
		return Key{}, data.Errorf(data.ErrInvalid, "a delegation passphrase needs at least 12 characters (or use a delegation code like FB-7K4M-QX2R-9T6W-HJ3P-AZ5N)")
	}
	return deriveKey("passphrase:" + s)
}

func deriveKey(material string) (Key, error) {
	seed := argon2.IDKey([]byte(material), []byte("fieldbook delegation sync key v1"), 3, 64*1024, 2, 32)
	id, err := age.ParseX25519Identity(strings.ToUpper(bech32Encode("age-secret-key-", seed)))
	if err != nil {
		return Key{}, fmt.Errorf("derive the sync key: %w", err)
	}
	return Key{id: id}, nil
}

// Valid tells whether the key is set.
func (k Key) Valid() bool { return k.id != nil }

// Secret is the age secret key, which is what the store keeps.
func (k Key) Secret() string { return k.id.String() }

// Fingerprint names the key without revealing it: the end of its
// public recipient (upper case, to read out), so two members can compare
// that they hold the same.
func (k Key) Fingerprint() string {
	r := strings.ToUpper(k.id.Recipient().String())
	return r[len(r)-8:]
}

// fileTag is the key's tag in segment file names (the fingerprint in
// lower case): readers skip another key's files without opening them, and
// a new key's log is written anew beside the old one's.
func (k Key) fileTag() string { return strings.ToLower(k.Fingerprint()) }

// crockford is Crockford's base32 alphabet: no I, L, O or U, so a code
// read aloud or typed from a photo has no look-alikes.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewCode makes a random delegation code of 20 symbols (100 bits).
func NewCode() string {
	b := make([]byte, 20)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported systems
	}
	var sb strings.Builder
	sb.WriteString("FB")
	for i, v := range b {
		if i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(crockford[int(v)&31])
	}
	return sb.String()
}

// looksLikeCode tells a mistyped delegation code from a passphrase: FB,
// then only letters, digits, dashes and spaces, and 14–26 symbols. Taken
// as a passphrase it would give a valid but different key, and the
// member's notes would be unreadable to everyone else.
func looksLikeCode(s string) bool {
	u := strings.ToUpper(strings.TrimSpace(s))
	if !strings.HasPrefix(u, "FB") {
		return false
	}
	n := 0
	for _, r := range u[2:] {
		switch {
		case r == '-' || r == ' ':
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
			n++
		default:
			return false
		}
	}
	return n >= 14 && n <= 26
}

// IsCode tells whether s is a delegation code (as people type it).
func IsCode(s string) bool {
	_, ok := normalizeCode(strings.TrimSpace(s))
	return ok
}

// FormatCode writes a delegation code in its canonical form.
func FormatCode(s string) string {
	code, ok := normalizeCode(strings.TrimSpace(s))
	if !ok {
		return s
	}
	var sb strings.Builder
	sb.WriteString("FB")
	for i := 0; i < len(code); i++ {
		if i%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(code[i])
	}
	return sb.String()
}

// normalizeCode reads a delegation code as people type it: any case,
// spaces or dashes anywhere, O for 0 and I or L for 1.
func normalizeCode(s string) (string, bool) {
	u := strings.ToUpper(s)
	if !strings.HasPrefix(u, "FB") {
		return "", false
	}
	var out strings.Builder
	for _, r := range u[2:] {
		switch {
		case r == '-' || r == ' ':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if !strings.ContainsRune(crockford, r) {
			return "", false
		}
		out.WriteRune(r)
	}
	if out.Len() != 20 {
		return "", false
	}
	return out.String(), true
}

// bech32Encode writes data (8-bit bytes) in BIP 173 bech32 with the
// human-readable part hrp, the encoding of age's keys. age offers no
// constructor from raw key bytes, hence this small encoder.
func bech32Encode(hrp string, data []byte) string {
	const charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"
	// 8-bit to 5-bit groups.
	var values []byte
	acc, bits := 0, 0
	for _, b := range data {
		acc = acc<<8 | int(b)
		bits += 8
		for bits >= 5 {
			bits -= 5
			values = append(values, byte(acc>>bits)&31)
		}
	}
	if bits > 0 {
		values = append(values, byte(acc<<(5-bits))&31)
	}
	polymod := func(v []byte) uint32 {
		gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
		chk := uint32(1)
		for _, x := range v {
			top := chk >> 25
			chk = (chk&0x1ffffff)<<5 ^ uint32(x)
			for i := 0; i < 5; i++ {
				if (top>>i)&1 == 1 {
					chk ^= gen[i]
				}
			}
		}
		return chk
	}
	var exp []byte
	for i := 0; i < len(hrp); i++ {
		exp = append(exp, hrp[i]>>5)
	}
	exp = append(exp, 0)
	for i := 0; i < len(hrp); i++ {
		exp = append(exp, hrp[i]&31)
	}
	mod := polymod(append(append(exp, values...), 0, 0, 0, 0, 0, 0)) ^ 1
	var sb strings.Builder
	sb.WriteString(hrp)
	sb.WriteByte('1')
	for _, v := range values {
		sb.WriteByte(charset[v])
	}
	for i := 0; i < 6; i++ {
		sb.WriteByte(charset[(mod>>(5*(5-i)))&31])
	}
	return sb.String()
}
