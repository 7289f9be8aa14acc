// Package vault protects the data a delegate carries across borders. It
// holds:
//
//   - the keyring: the random 32-byte data key that encrypts the Badger
//     store, wrapped with a key derived from the user's passphrase
//     (Argon2id, XChaCha20-Poly1305) in <dir>/keyring.json — Unlock,
//     ChangePassphrase (rewraps the key only);
//   - turning encryption on and off for an existing store (SetPassphrase,
//     RemovePassphrase), which rewrites the store through store.Convert
//     and swaps the new keyring in with the new copy;
//   - Open, which unlocks an encrypted store or opens a plaintext one;
//   - encrypted backups: Backup writes an age file (passphrase mode) that
//     holds a header, the zstd-compressed store stream and a SHA-256
//     checksum; Restore checks all of it before a restored store is
//     moved into place;
//   - Erase, the right to be forgotten, unlocking as needed.
//
// Passphrases are byte slices so callers can clear them; ReadPassphraseFile
// reads one the way the command line's --passphrase-file wants it.
// docs/SECURITY.md describes the threat model and the formats.
package vault
