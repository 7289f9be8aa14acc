// Package card reads and writes business cards: vCard 2.1, 3.0 and 4.0 and
// MECARD, plus plain QR payloads (mailto:, tel:, URLs, text). It turns them
// into Card values, Card values into .vcf files and compact QR payloads, and
// Cards into and out of the data.Contact the store keeps.
//
// Cards come from phones, Outlook, badge printers and QR generators that each
// bend the standards their own way, so the reader is lenient where the intent
// is clear (2.1 quoted-printable with soft line breaks, legacy charsets,
// Apple's item groups, unescaped commas, a broken photo) and strict only where
// going on would silently garble what the card says; then it returns a
// *ParseError naming the line and property. The writer is conservative:
// RFC 2426 / RFC 6350 syntax that Android, iOS, Outlook and Python's vobject
// all read.
//
// Parsing normalises what it reads so that formatting a parsed card and
// parsing it again gives the same Card: text values are trimmed, line breaks
// become "\n", control characters are dropped, TYPE values are lower case
// with "pref" last, and empty values are left out.
package card
