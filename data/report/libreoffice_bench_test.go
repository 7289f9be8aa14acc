package report

import (
	"context"
	"fmt"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/card/qr"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
)

// BenchmarkBrochureLibreOffice converts the same brochure content — the
// sample company's name, tagline, description, products, capabilities,
// certifications, references, contact and its QR code, in Russian — from
// HTML to PDF with LibreOffice headless, the obvious alternative to
// drawing it with gopdf, for the side-by-side row in docs/PERFORMANCE.md
// (BenchmarkBrochure is Fieldbook's own). It is skipped when soffice is
// not installed (apt-get install libreoffice-writer-nogui). LibreOffice's
// profile is made once beforehand, so the figure is a warm conversion
// including the process start, as a user would run it.
func BenchmarkBrochureLibreOffice(b *testing.B) {
	soffice, err := exec.LookPath("soffice")
	if err != nil {
		b.Skip("LibreOffice is not installed")
	}
	ctx := context.Background()
	o, err := store.Load[*data.Organization](ctx, fixture, sample.RefID("@org:veemoot"))
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	png, err := qr.Encode(qrPayload(o, nil), 512)
	if err != nil {
		b.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "qr.png"), png, 0o600)
	list := func(title string, items []string) string {
		if len(items) == 0 {
			return ""
		}
		var sb strings.Builder
		fmt.Fprintf(&sb, "<h2>%s</h2><ul>", html.EscapeString(title))
		for _, it := range items {
			fmt.Fprintf(&sb, "<li>%s</li>", html.EscapeString(it))
		}
		return sb.String() + "</ul>"
	}
	page := fmt.Sprintf(`<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8"><title>%s</title>
<style>body{font-family:'Noto Sans',sans-serif;font-size:10pt} h1{font-size:20pt} h2{font-size:12pt}</style></head><body>
<h1>%s</h1><p><i>%s</i></p><p>%s</p>%s%s%s%s
<p>%s · %s · %s · %s</p><p><img src="qr.png" width="150" height="150"></p></body></html>`,
		html.EscapeString(o.Name), html.EscapeString(o.Name), html.EscapeString(o.Tagline["ru"]), html.EscapeString(o.Description["ru"]),
		list("Продукция", o.Products), list("Возможности", o.Capabilities), list("Сертификаты", o.Certifications), list("Референции", o.References),
		html.EscapeString(o.Address), html.EscapeString(o.Phone), html.EscapeString(o.Email), html.EscapeString(o.Website))
	src := filepath.Join(dir, "brochure.html")
	os.WriteFile(src, []byte(page), 0o600)
	profile := "file://" + filepath.Join(dir, "profile")
	convert := func() {
		cmd := exec.Command(soffice, "-env:UserInstallation="+profile, "--headless", "--convert-to", "pdf:writer_web_pdf_Export", "--outdir", dir, src)
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("soffice: %v: %s", err, out)
		}
		if _, err := os.Stat(filepath.Join(dir, "brochure.pdf")); err != nil {
			b.Fatal("LibreOffice wrote no PDF")
		}
	}
	convert() // first run: LibreOffice makes its profile
	b.ResetTimer()
	for b.Loop() {
		convert()
	}
}
