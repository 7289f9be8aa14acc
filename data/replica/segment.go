package replica

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"filippo.io/age"
	"github.com/klauspost/compress/zstd"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/hlc"
)

// Segment file layout:
//
//	"FBSEG1\n"            7 bytes, the format
//	length                uint64 big-endian: bytes of the payload
//	sha256(payload)       32 bytes
//	payload               age file (X25519, the delegation key) of
//	                      zstd(JSON Segment)
//
// The plain length lets a reader tell a file still arriving (shorter than
// it says: wait and read it next time) from a damaged one (complete, but
// the checksum fails: report it and go on). The checksum outside the
// encryption tells damage from a file encrypted for another delegation,
// which authenticates correctly but with a key we do not have.

const segMagic = "FBSEG1\n"

const segHeaderLen = len(segMagic) + 8 + sha256.Size

// maxSegmentFile bounds what a reader accepts, so that a hostile or
// broken length field cannot make it allocate without limit.
const maxSegmentFile = 256 << 20

// Segment is the content of one segment file: a run of one device's change
// log, from sequence From to To (private changes left out).
type Segment struct {
	Format  int           `json:"format"`
	Device  data.ID       `json:"device"`
	From    uint64        `json:"from"`
	To      uint64        `json:"to"`
	Written time.Time     `json:"written"`
	Changes []data.Change `json:"changes"`
}

// Errors of ReadSegment, told apart with errors.Is.
var (
	// ErrIncomplete: the file is shorter than its header says — still
	// being copied by a sync tool, or an interrupted upload.
	ErrIncomplete = errors.New("incomplete")
	// ErrDamaged: the file is complete but its checksum, compression or
	// content is wrong.
	ErrDamaged = errors.New("damaged")
	// ErrForeign: the file is intact but not encrypted with this
	// delegation's key.
	ErrForeign = errors.New("encrypted with another key")
)

// segmentName is where the segment holding changes from..to of device's
// log, encrypted with the key tagged tag, whose last change has clock
// last, lives: "log/<device>/<from>-<to>-<tag>-<last>.seg". The name says
// what the file holds, so a reader skips what it has merged and a writer
// sees what is missing without opening anything; two devices never write
// the same name, and a copy of one stick onto another adds files rather
// than replacing them. The last change's clock tells a device that its
// history here is not its store's (restored from a backup, copied).
func segmentName(device data.ID, from, to uint64, tag string, last hlc.Timestamp) string {
	return fmt.Sprintf("log/%s/%010d-%010d-%s-%016x.seg", device, from, to, tag, uint64(last))
}

// segName is what a segment file's name says.
type segName struct {
	from, to uint64
	key      string
	last     hlc.Timestamp
}

// parseSegmentName reads a segment file's base name; anything else in a
// device folder (a sync tool's conflict copy, a stray file) is not a
// segment.
func parseSegmentName(base string) (segName, bool) {
	stem, ok := strings.CutSuffix(base, ".seg")
	if !ok {
		return segName{}, false
	}
	parts := strings.Split(stem, "-")
	if len(parts) != 4 || len(parts[2]) != 8 || len(parts[3]) != 16 {
		return segName{}, false
	}
	var n segName
	for i, p := range parts[:2] {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return segName{}, false
		}
		v, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return segName{}, false
		}
		if i == 0 {
			n.from = v
		} else {
			n.to = v
		}
	}
	last, err := strconv.ParseUint(parts[3], 16, 64)
	if err != nil || n.from == 0 || n.to < n.from {
		return segName{}, false
	}
	n.key, n.last = parts[2], hlc.Timestamp(last)
	return n, true
}

// EncodeSegment compresses, encrypts and frames a segment.
func EncodeSegment(seg *Segment, key Key) ([]byte, error) {
	plain, err := json.Marshal(seg)
	if err != nil {
		return nil, err
	}
	payload, err := seal(plain, key)
	if err != nil {
		return nil, err
	}
	return frame(segMagic, payload), nil
}

// frame puts the plain header before an encrypted payload.
func frame(magic string, payload []byte) []byte {
	sum := sha256.Sum256(payload)
	out := make([]byte, 0, segHeaderLen+len(payload))
	out = append(out, magic...)
	out = binary.BigEndian.AppendUint64(out, uint64(len(payload)))
	out = append(out, sum[:]...)
	return append(out, payload...)
}

// unframe checks a file's header, length and checksum and decrypts it.
func unframe(magic, what string, file []byte, key Key) ([]byte, error) {
	if len(file) < segHeaderLen {
		if strings.HasPrefix(magic, string(file)) || strings.HasPrefix(string(file), magic) {
			return nil, fmt.Errorf("%w: %d bytes, the header alone is %d", ErrIncomplete, len(file), segHeaderLen)
		}
		return nil, fmt.Errorf("%w: not a Fieldbook %s", ErrDamaged, what)
	}
	if string(file[:len(magic)]) != magic {
		return nil, fmt.Errorf("%w: not a Fieldbook %s", ErrDamaged, what)
	}
	n := binary.BigEndian.Uint64(file[len(magic):])
	payload := file[segHeaderLen:]
	switch {
	case n > maxSegmentFile:
		return nil, fmt.Errorf("%w: it claims %d bytes", ErrDamaged, n)
	case uint64(len(payload)) < n:
		return nil, fmt.Errorf("%w: %d of %d bytes", ErrIncomplete, len(payload), n)
	case uint64(len(payload)) > n:
		return nil, fmt.Errorf("%w: %d bytes more than it says", ErrDamaged, uint64(len(payload))-n)
	}
	if sum := sha256.Sum256(payload); !bytes.Equal(sum[:], file[len(magic)+8:segHeaderLen]) {
		return nil, fmt.Errorf("%w: checksum mismatch", ErrDamaged)
	}
	return open(payload, key)
}

const blobMagic = "FBBLOB\n"

// EncodeBlob encrypts an attachment's content for blobs/<sha256>.
func EncodeBlob(content []byte, key Key) ([]byte, error) {
	payload, err := seal(content, key)
	if err != nil {
		return nil, err
	}
	return frame(blobMagic, payload), nil
}

// DecodeBlob reads what EncodeBlob wrote and checks the content against
// the SHA-256 it is named by.
func DecodeBlob(file []byte, sha string, key Key) ([]byte, error) {
	content, err := unframe(blobMagic, "attachment", file, key)
	if err != nil {
		return nil, err
	}
	if got := fmt.Sprintf("%x", sha256.Sum256(content)); got != sha {
		return nil, fmt.Errorf("%w: the content's SHA-256 is %s", ErrDamaged, got)
	}
	return content, nil
}

// DecodeSegment checks, decrypts and reads a segment file.
func DecodeSegment(file []byte, key Key) (*Segment, error) {
	plain, err := unframe(segMagic, "segment", file, key)
	if err != nil {
		return nil, err
	}
	var seg Segment
	if err := json.Unmarshal(plain, &seg); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	if seg.Format != 1 {
		return nil, fmt.Errorf("%w: format %d is newer than this Fieldbook (update it)", ErrForeign, seg.Format)
	}
	return &seg, nil
}

// seal compresses then encrypts (encrypted data does not compress).
func seal(plain []byte, key Key) ([]byte, error) {
	if !key.Valid() {
		return nil, data.Errorf(data.ErrInvalid, "no delegation sync key is set")
	}
	var buf bytes.Buffer
	aw, err := age.Encrypt(&buf, key.id.Recipient())
	if err != nil {
		return nil, err
	}
	zw, err := zstd.NewWriter(aw, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedDefault))
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(plain); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	if err := aw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// open decrypts and decompresses what seal made.
func open(payload []byte, key Key) ([]byte, error) {
	if !key.Valid() {
		return nil, data.Errorf(data.ErrInvalid, "no delegation sync key is set")
	}
	ar, err := age.Decrypt(bytes.NewReader(payload), key.id)
	if err != nil {
		var nomatch *age.NoIdentityMatchError
		if errors.As(err, &nomatch) {
			return nil, fmt.Errorf("%w (not this delegation's sync key)", ErrForeign)
		}
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	zr, err := zstd.NewReader(ar, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxSegmentFile))
	if err != nil {
		return nil, err
	}
	defer zr.Close()
	plain, err := io.ReadAll(io.LimitReader(zr, maxSegmentFile+1))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	if len(plain) > maxSegmentFile {
		return nil, fmt.Errorf("%w: more than %d bytes when unpacked", ErrDamaged, maxSegmentFile)
	}
	return plain, nil
}
