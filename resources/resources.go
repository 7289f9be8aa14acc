// Package resources embeds Fieldbook's assets: the application icon, the
// GUI translations and the sample mission data.
package resources

import "embed"

// FS holds the embedded files: icon.png, translations/*.json and
// sample/missions.json.
//
//go:embed icon.png translations/*.json sample/*.json
var FS embed.FS

// Icon returns the application icon (PNG).
func Icon() []byte {
	b, err := FS.ReadFile("icon.png")
	if err != nil {
		panic("resources: icon.png missing from the build: " + err.Error())
	}
	return b
}
