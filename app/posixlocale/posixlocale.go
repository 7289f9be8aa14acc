// Package posixlocale makes a "C" or "POSIX" locale (usual on servers, in
// CI and in containers) read as US English before Fyne's lang package
// parses it at start-up: Fyne cannot parse "C" and logs three error lines
// on every run, which would break the CLI's one-line error contract.
//
// main imports it for its side effect. Go initializes packages in import
// path order among those whose imports are ready, so this package (which
// imports only os and strings) runs before github.com/jeandeaual/go-locale
// and fyne.io/fyne/v2/lang, which read the variables.
package posixlocale

import (
	"os"
	"strings"
)

func init() {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		val := os.Getenv(v)
		if val == "" {
			continue
		}
		base, _, _ := strings.Cut(val, ".")
		if base == "C" || base == "POSIX" {
			os.Setenv(v, "en_US.UTF-8")
		}
		// The first variable set decides, as in go-locale.
		return
	}
}
