package vault

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"path/filepath"
	"time"

	"filippo.io/age"
	"github.com/klauspost/compress/zstd"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/store"
)

// Backup format. The file is an age file (passphrase mode: scrypt), so
// `age -d` opens it too. Its plaintext is:
//
//	"fieldbook-backup\n"
//	uvarint n, n bytes of JSON header (Header)
//	( uvarint n ≥ 1, n bytes )*  uvarint 0   — the zstd-compressed store stream, in chunks
//	32 bytes: SHA-256 of everything above
//	zero bytes up to a multiple of 64 KiB
//
// The chunks let the reader find the end of the compressed data exactly
// (a zstd decoder may read ahead). The padding makes age's last chunk
// always a full one, so a file that ends inside a chunk is known to be
// truncated, not merely damaged; it also hides the exact size.
const (
	backupMagic   = "fieldbook-backup\n"
	backupVersion = 1
	chunkSize     = 64 << 10
	ageChunk      = 64 << 10 // age's plaintext chunk
	ageChunkEnc   = ageChunk + 16
	ageNonceSize  = 16
	maxHeaderJSON = 64 << 10
)

// BackupWorkFactor is the scrypt work factor (log2 N) backups are written
// with: 18 is age's own default (256 MiB, about a second). MaxWorkFactor is
// the most Restore accepts (20: 1 GiB), so a hostile file cannot ask for
// more memory than that. Tests — also other packages' — may lower them;
// nothing else should change them.
var (
	BackupWorkFactor = 18
	MaxWorkFactor    = 20
)

// Header is what a backup says about itself, readable only with its
// passphrase.
type Header struct {
	Format          string            `json:"format"` // "fieldbook-backup"
	Version         int               `json:"version"`
	Created         time.Time         `json:"created"`
	Device          data.ID           `json:"device"`
	Counts          map[data.Kind]int `json:"counts"`
	SourceEncrypted bool              `json:"source_encrypted"`
	Compression     string            `json:"compression"` // "zstd"
}

// Summary describes a restored backup.
type Summary struct {
	Header
	// Encrypted says whether the restored store is (it was given a
	// passphrase of its own).
	Encrypted bool
}

// Backup writes an encrypted backup of s to w: everything in the store (a
// consistent snapshot; saves may go on meanwhile), compressed, checksummed
// and encrypted with passphrase (age's scrypt mode). Nothing unencrypted
// is written anywhere.
func Backup(ctx context.Context, s *store.Store, w io.Writer, passphrase []byte) error {
	if err := checkPassphrase(passphrase, "backup passphrase"); err != nil {
		return err
	}
	rcp, err := age.NewScryptRecipient(string(passphrase))
	if err != nil {
		return err
	}
	rcp.SetWorkFactor(BackupWorkFactor)
	aw, err := age.Encrypt(w, rcp)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	cw := &countWriter{w: aw}
	h := sha256.New()
	out := io.MultiWriter(cw, h)
	hdr := Header{Format: "fieldbook-backup", Version: backupVersion, Created: time.Now().UTC().Truncate(time.Second),
		Device: s.Device(), Counts: map[data.Kind]int{}, SourceEncrypted: s.Encrypted(), Compression: "zstd"}
	for k, n := range s.Stats(ctx) {
		hdr.Counts[k] = n
	}
	hb, _ := json.Marshal(hdr)
	io.WriteString(out, backupMagic)
	out.Write(binary.AppendUvarint(nil, uint64(len(hb))))
	out.Write(hb)
	chunks := &chunkWriter{w: out}
	zw, err := zstd.NewWriter(chunks, zstd.WithEncoderConcurrency(1))
	if err != nil {
		return err
	}
	if err := s.Backup(ctx, zw); err != nil {
		zw.Close()
		return err
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := chunks.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if _, err := cw.Write(h.Sum(nil)); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if pad := (ageChunk - cw.n%ageChunk) % ageChunk; pad > 0 {
		if _, err := cw.Write(make([]byte, pad)); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	if err := aw.Close(); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// chunkWriter frames what is written to it as length-prefixed chunks.
type chunkWriter struct {
	w   io.Writer
	buf []byte
	err error
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n := len(p)
	for len(p) > 0 {
		take := min(len(p), chunkSize-len(c.buf))
		c.buf = append(c.buf, p[:take]...)
		p = p[take:]
		if len(c.buf) == chunkSize {
			if c.err = c.flush(); c.err != nil {
				return 0, c.err
			}
		}
	}
	return n, nil
}

func (c *chunkWriter) flush() error {
	if len(c.buf) == 0 {
		return nil
	}
	if _, err := c.w.Write(binary.AppendUvarint(nil, uint64(len(c.buf)))); err != nil {
		return err
	}
	_, err := c.w.Write(c.buf)
	c.buf = c.buf[:0]
	return err
}

// Close writes the last chunk and the end marker.
func (c *chunkWriter) Close() error {
	if c.err != nil {
		return c.err
	}
	if err := c.flush(); err != nil {
		return err
	}
	_, err := c.w.Write([]byte{0})
	return err
}

// The three ways a backup fails to read, in the words the user sees.
func errTruncated() error { return data.Errorf(data.ErrInvalid, "backup is truncated") }
func errChecksum(why string) error {
	return data.Errorf(data.ErrInvalid, "backup checksum mismatch: %s", why)
}
func errWrongPassphrase() error { return data.Errorf(data.ErrLocked, "wrong backup passphrase") }

// source reads the backup file, remembering how much it read and whether
// it reached the end: that is how a truncated file is told from a damaged
// one when age refuses a chunk.
type source struct {
	r   io.Reader
	n   int64
	eof bool
}

func (s *source) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	s.n += int64(n)
	if err == io.EOF {
		s.eof = true
	}
	return n, err
}

// ageIntro is how every age file starts.
const ageIntro = "age-encryption.org/v1\n"

// plain reads the decrypted backup and hashes what the parser consumes, up
// to the checksum (the bufio.Reader below it may read further ahead).
type plain struct {
	r       *bufio.Reader
	h       hash.Hash
	hashing bool
}

func (p *plain) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if p.hashing {
		p.h.Write(b[:n])
	}
	return n, err
}

func (p *plain) ReadByte() (byte, error) {
	c, err := p.r.ReadByte()
	if err == nil && p.hashing {
		p.h.Write([]byte{c})
	}
	return c, err
}

// ageReader keeps age's first error, which decides how a failure is
// reported (classify).
type ageReader struct {
	r   io.Reader
	err error
}

func (a *ageReader) Read(p []byte) (int, error) {
	n, err := a.r.Read(p)
	if err != nil && err != io.EOF && a.err == nil {
		a.err = err
	}
	return n, err
}

// chunkReader reads the length-prefixed chunks of the compressed stream
// and remembers a framing error.
type chunkReader struct {
	p    *plain
	left int
	done bool
	err  error
}

func (c *chunkReader) Read(b []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	for c.left == 0 {
		if c.done {
			return 0, io.EOF
		}
		n, err := binary.ReadUvarint(c.p)
		switch {
		case errors.Is(err, io.EOF):
			c.err = io.ErrUnexpectedEOF
		case err != nil:
			c.err = err
		case n > chunkSize:
			c.err = errChecksum("bad chunk length")
		case n == 0:
			c.done = true
			return 0, io.EOF
		}
		if c.err != nil {
			return 0, c.err
		}
		c.left = int(n)
	}
	n, err := c.p.Read(b[:min(len(b), c.left)])
	c.left -= n
	if errors.Is(err, io.EOF) {
		err = nil
		if n == 0 { // the file ended inside a chunk
			err = io.ErrUnexpectedEOF
		}
	}
	if err != nil {
		c.err = err
	}
	return n, err
}

// zstdReader keeps the decoder's first error (damaged compressed data).
type zstdReader struct {
	d   *zstd.Decoder
	err error
}

func (z *zstdReader) Read(p []byte) (int, error) {
	n, err := z.d.Read(p)
	if err != nil && err != io.EOF && z.err == nil {
		z.err = err
	}
	return n, err
}

// Restore restores an encrypted backup into dir, which must be empty or
// not exist. passphrase is the backup's; newStorePassphrase, if not nil,
// encrypts the restored store with a new data key (nil: a plaintext
// store). Everything is checked — age's authentication, the SHA-256 over
// the plaintext, the store stream's own digest, and the restored database
// read back from disk — before the store is moved into place; on any
// failure dir is left as it was. The restored store keeps the device ID of
// the one backed up (docs/SECURITY.md says why).
func Restore(ctx context.Context, dir string, r io.Reader, passphrase []byte, newStorePassphrase []byte) (Summary, error) {
	var sum Summary
	if err := checkPassphrase(passphrase, "backup passphrase"); err != nil {
		return sum, err
	}
	var key []byte
	var kr *keyringFile
	if newStorePassphrase != nil {
		if err := checkPassphrase(newStorePassphrase, "new passphrase"); err != nil {
			return sum, err
		}
		var err error
		if key, err = newDataKey(); err != nil {
			return sum, err
		}
		defer clear(key)
		if kr, err = wrapKey(key, newStorePassphrase, DefaultParams); err != nil {
			return sum, err
		}
	}

	// The age header, read first so that its length is known (see classify).
	src := &source{r: r}
	prefix := make([]byte, 4096)
	n, err := io.ReadFull(src, prefix)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return sum, fmt.Errorf("read backup: %w", err)
	}
	prefix = prefix[:n]
	hdr, err := age.ExtractHeader(bytes.NewReader(prefix))
	if err != nil {
		if src.eof && (bytes.HasPrefix(prefix, []byte(ageIntro)) || bytes.HasPrefix([]byte(ageIntro), prefix)) {
			return sum, errTruncated()
		}
		return sum, data.Errorf(data.ErrInvalid, "not a Fieldbook backup (it is not an age-encrypted file)")
	}
	id, err := age.NewScryptIdentity(string(passphrase))
	if err != nil {
		return sum, err
	}
	id.SetMaxWorkFactor(MaxWorkFactor)
	dec, err := age.Decrypt(io.MultiReader(bytes.NewReader(prefix), src), id)
	if err != nil {
		return sum, classify(err, src, len(hdr))
	}
	ar := &ageReader{r: dec}
	p := &plain{r: bufio.NewReaderSize(ar, 64<<10), h: sha256.New(), hashing: true}
	fail := func(err error) (Summary, error) {
		if ar.err != nil {
			return Summary{}, classify(ar.err, src, len(hdr))
		}
		return Summary{}, err
	}

	// Magic and header.
	magic := make([]byte, len(backupMagic))
	if n, err := io.ReadFull(p, magic); err != nil {
		if bytes.HasPrefix([]byte(backupMagic), magic[:n]) {
			return fail(errTruncated())
		}
		return fail(data.Errorf(data.ErrInvalid, "not a Fieldbook backup (an age file, but of something else)"))
	}
	if string(magic) != backupMagic {
		return fail(data.Errorf(data.ErrInvalid, "not a Fieldbook backup (an age file, but of something else)"))
	}
	hl, err := binary.ReadUvarint(p)
	if err != nil || hl > maxHeaderJSON {
		if err != nil && errors.Is(err, io.EOF) {
			return fail(errTruncated())
		}
		return fail(errChecksum("bad header"))
	}
	hb := make([]byte, hl)
	if _, err := io.ReadFull(p, hb); err != nil {
		return fail(errTruncated())
	}
	if err := json.Unmarshal(hb, &sum.Header); err != nil || sum.Format != "fieldbook-backup" {
		return fail(errChecksum("bad header"))
	}
	if sum.Version > backupVersion {
		return Summary{}, data.Errorf(data.ErrSchema, "the backup was written by a newer Fieldbook (format %d): please update Fieldbook", sum.Version)
	}
	if sum.Compression != "zstd" {
		return fail(errChecksum(fmt.Sprintf("unknown compression %q", sum.Compression)))
	}

	chunks := &chunkReader{p: p}
	zd, err := zstd.NewReader(chunks, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(256<<20))
	if err != nil {
		return Summary{}, err
	}
	defer zd.Close()
	zr := &zstdReader{d: zd}

	// Runs once the store is loaded and verified, before it is moved into
	// place: the rest of the file must check out too.
	finish := func(tmp string) error {
		if n, _ := io.Copy(io.Discard, zr); n != 0 || zr.err != nil {
			return errChecksum("data after the end of the store")
		}
		if n, err := io.Copy(io.Discard, chunks); n != 0 || err != nil {
			return errChecksum("data after the end of the compressed stream")
		}
		p.hashing = false
		want := make([]byte, sha256.Size)
		if _, err := io.ReadFull(p, want); err != nil {
			return errTruncated()
		}
		if !bytes.Equal(want, p.h.Sum(nil)) {
			return errChecksum("the content does not match its checksum")
		}
		rest, err := io.ReadAll(p)
		if err != nil {
			return err // age's error: classified below
		}
		if len(bytes.Trim(rest, "\x00")) != 0 {
			return errChecksum("data after the checksum")
		}
		if kr != nil {
			return writeKeyring(filepath.Join(tmp, store.KeyringFile), kr)
		}
		return nil
	}
	if err := store.Restore(ctx, dir, zr, key, finish); err != nil {
		switch {
		case ar.err != nil:
			return Summary{}, classify(ar.err, src, len(hdr))
		case chunks.err != nil && errors.Is(chunks.err, io.ErrUnexpectedEOF):
			return Summary{}, errTruncated()
		case chunks.err != nil:
			return Summary{}, errChecksum("the compressed stream is damaged")
		case zr.err != nil:
			return Summary{}, errChecksum("the compressed data is damaged")
		}
		return Summary{}, err
	}
	sum.Encrypted = key != nil
	return sum, nil
}

// classify turns an error of age's into the user's words. A wrong
// passphrase is age's "no identity matched". A file that ended early is
// truncated: complete backups are padded so their payload is a whole
// number of full age chunks, so a payload that is not — or that ended at
// a chunk boundary without its last chunk — was cut short. Anything else
// (a chunk or the header failing authentication) is damage.
func classify(err error, src *source, hdrLen int) error {
	var nomatch *age.NoIdentityMatchError
	if errors.As(err, &nomatch) {
		return errWrongPassphrase()
	}
	if src.eof {
		payload := src.n - int64(hdrLen) - ageNonceSize
		if errors.Is(err, io.ErrUnexpectedEOF) || payload <= 0 || payload%ageChunkEnc != 0 {
			return errTruncated()
		}
	}
	return errChecksum("the file is damaged (" + err.Error() + ")")
}
