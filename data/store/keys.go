package store

import (
	"encoding/binary"
	"time"

	"github.com/clusme/fieldbook/data"
)

// Key layout. The first byte says what a key holds; numbers are fixed-width
// big-endian so byte order is numeric order; IDs are the 16-byte binary
// ULID; variable-length text parts end with 0x00.
//
//	0x01 name                          meta value (schema, device, seq, hlc)
//	0x02 id                            record envelope (JSON)
//	0x03 kind id                       live record of a kind (list in ID order)
//	0x04 index parts… id               secondary index entry, empty value
//	0x05 device seq                    change log entry (JSON data.Change)
//	0x06 token 0x00 id weight kind     search term, empty value
//	0x07 id                            search document: (weight word 0x00)*
//	0x08 kind                          live record count (uint64)
//	0x09 sha256                        blob content
//	0x0A id field 0x00 hlc device       sync conflict (JSON data.Conflict)
const (
	pMeta   byte = 0x01
	pRecord byte = 0x02
	pKind   byte = 0x03
	pIndex  byte = 0x04
	pLog    byte = 0x05
	pTerm   byte = 0x06
	pDoc    byte = 0x07
	pCount  byte = 0x08
	pBlob   byte = 0x09
	pConfl  byte = 0x0A
)

// Secondary indexes (second byte of a 0x04 key).
const (
	ixMeetingByMission  byte = 'M' // mission start id
	ixMeetingByOrg      byte = 'O' // org start id
	ixMeetingByContact  byte = 'C' // contact start id
	ixContactByOrg      byte = 'c' // org id
	ixFollowUpByMission byte = 'F' // mission due id
	ixFollowUpByOrg     byte = 'f' // org due id
	ixFollowUpByStatus  byte = 'S' // status\0 due id
	ixFollowUpByDue     byte = 'D' // due id
	ixFollowUpByMeeting byte = 'm' // meeting id
	ixOrgByKind         byte = 'K' // kind\0 id
	ixAttachmentByRec   byte = 'A' // record id
	ixMeetingBySeminar  byte = 'B' // seminar slot table id (schema 3)
	ixSeminarByMission  byte = 'N' // mission date id (schema 3)
)

var kindByte = map[data.Kind]byte{
	data.KindMission: 1, data.KindOrg: 2, data.KindContact: 3,
	data.KindMeeting: 4, data.KindFollowUp: 5, data.KindAttachment: 6,
	data.KindSeminar: 7,
}

var byteKind = func() map[byte]data.Kind {
	m := map[byte]data.Kind{}
	for k, b := range kindByte {
		m[b] = k
	}
	return m
}()

func metaKey(name string) []byte { return append([]byte{pMeta}, name...) }

func recordKey(id [16]byte) []byte { return append([]byte{pRecord}, id[:]...) }

func kindKey(k data.Kind, id [16]byte) []byte {
	return append([]byte{pKind, kindByte[k]}, id[:]...)
}

func docKey(id [16]byte) []byte { return append([]byte{pDoc}, id[:]...) }

func countKey(k data.Kind) []byte { return []byte{pCount, kindByte[k]} }

func logKey(device [16]byte, seq uint64) []byte {
	k := append([]byte{pLog}, device[:]...)
	return binary.BigEndian.AppendUint64(k, seq)
}

func termKey(tok string, id [16]byte, weight uint8, k data.Kind) []byte {
	key := make([]byte, 0, len(tok)+20)
	key = append(key, pTerm)
	key = append(key, tok...)
	key = append(key, 0)
	key = append(key, id[:]...)
	return append(key, weight, kindByte[k])
}

// keyBuilder assembles index keys part by part.
type keyBuilder []byte

func ixKey(ix byte) keyBuilder { return keyBuilder{pIndex, ix} }

func (b keyBuilder) id(id data.ID) keyBuilder {
	raw, _ := id.Bytes()
	return append(b, raw[:]...)
}

func (b keyBuilder) str(s string) keyBuilder {
	return append(append(b, s...), 0)
}

// date appends YYYYMMDD (8 bytes); an empty date sorts last.
func (b keyBuilder) date(d data.Date) keyBuilder {
	if d == "" {
		return append(b, "99999999"...)
	}
	t := d.Time()
	return append(b, t.Format("20060102")...)
}

// instant appends the time as milliseconds, offset so every date since
// year 0 is a positive number and sorts correctly.
func (b keyBuilder) instant(t time.Time) keyBuilder {
	return binary.BigEndian.AppendUint64(b, uint64(t.UnixMilli()+62135596800000))
}

// num appends n as a fixed-width 16-bit number (slots, tables), so byte
// order is numeric order.
func (b keyBuilder) num(n int) keyBuilder {
	return binary.BigEndian.AppendUint16(b, uint16(max(0, min(n, 0xFFFF))))
}

// idFromKeyEnd reads the ID in the last 16 bytes of an index key.
func idFromKeyEnd(k []byte) data.ID { return data.IDFromBytes(k[len(k)-16:]) }
