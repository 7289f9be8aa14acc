// Package replica syncs Fieldbook replicas through a shared place — a
// folder (USB stick, Syncthing or Nextcloud client folder, network share)
// or a WebDAV collection — with no server of its own.
//
// Each device writes only its own immutable segment files,
// <root>/log/<device>/<n>.seg, each a run of its change log compressed with
// zstd, encrypted for the delegation with age and framed with its length
// and checksum (segment.go); attachments go to <root>/blobs/<sha256>. No
// file is rewritten and there are no locks, so folder-sync tools never
// make conflict copies and copying a stick onto another is a plain union.
// Every device reads every other device's new segments and hands their
// changes to the store's merge (data/store/merge.go), which converges
// whatever the order, duplication or delay. The delegation key (key.go)
// comes from a short code, a passphrase or an age key. Transports
// (transport.go) are a folder and WebDAV behind one interface.
//
// Safety rails (sync.go): a file still arriving is read next time; a
// damaged or foreign one is reported by name and skipped while the rest
// applies; an empty or new folder deletes nothing (absence is never a
// delete) and gets this device's whole log again; a segment deleting many
// records waits for confirmation; one dated far in the future waits too.
package replica
