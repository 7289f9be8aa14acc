// Package resources embeds Fieldbook's assets: the application icon, the
// GUI translations, the sample mission data, and the fonts and text labels
// of the PDF documents.
package resources

import "embed"

// FS holds the embedded files: icon.png, translations/*.json,
// sample/missions.json, fonts/*.ttf (Noto Sans, OFL: fonts/OFL.txt) and
// report/*.json (PDF document labels per language).
//
//go:embed icon.png translations/*.json sample/*.json fonts/*.ttf fonts/OFL.txt report/*.json
var FS embed.FS

// Icon returns the application icon (PNG).
func Icon() []byte {
	return mustRead("icon.png")
}

// FontRegular and FontBold return the TrueType fonts PDFs are set in. Noto
// Sans covers Finnish and Estonian letters, Cyrillic with the Uzbek
// letters (Қ Ғ Ҳ Ў) and the Uzbek Latin ʻ, which the Go font lacks.
func FontRegular() []byte { return mustRead("fonts/NotoSans-Regular.ttf") }

// FontBold is the bold face of FontRegular.
func FontBold() []byte { return mustRead("fonts/NotoSans-Bold.ttf") }

// ReportLabels returns the PDF document labels for a language code ("en",
// "fi", "et", "ru") as a flat JSON object, or an error if there are none.
func ReportLabels(lang string) ([]byte, error) {
	return FS.ReadFile("report/" + lang + ".json")
}

// mustRead panics on a missing file: the set of embedded files is fixed at
// build time, so a miss is a broken build, not a run-time condition.
func mustRead(name string) []byte {
	b, err := FS.ReadFile(name)
	if err != nil {
		panic("resources: " + name + " missing from the build: " + err.Error())
	}
	return b
}
