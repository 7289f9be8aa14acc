// Package store persists Fieldbook's records in an embedded Badger
// database. It is the only package that imports Badger: the rest of the
// core talks to it through data's Go types. It owns the key layout, the
// schema version and its migrations, secondary indexes for listings, the
// per-device change log stamped with a hybrid logical clock, the search
// index, content-addressed blobs, and the mapping of Badger's errors to
// data's sentinel errors.
//
// Durability: the database is opened with SyncWrites, so when a save
// returns, its transaction is on disk (fsync); a crash or power cut after
// that cannot lose it.
package store
