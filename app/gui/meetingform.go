package gui

// The quick meeting capture is the screen delegates use most, often
// standing in a factory hall with a laptop on one arm while the host is
// still talking. So a meeting takes three actions (Ctrl+N, type the title,
// Ctrl+S) and everything else is optional; and what is typed is kept as a
// draft in the store's device settings every few seconds, so a crash, a
// flat battery or the auto-lock loses seconds of notes at most.

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/clusme/fieldbook/app/i18n"
	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/locale"
	"github.com/clusme/fieldbook/data/store"
)

// draftEvery is how often an open capture form writes its draft, when it
// changed. A variable so that tests can make it short.
var draftEvery = 3 * time.Second

// settingDraft is the device setting that holds the capture form's draft
// (a meetingDraft as JSON, null when there is none). A device setting, not
// a record: half-typed notes must never sync to other delegates.
const settingDraft = "gui.draft"

// meetingKinds are the meeting kinds in the order the form offers them.
var meetingKinds = []data.MeetingKind{data.MeetingB2B, data.MeetingPlantVisit, data.MeetingFair, data.MeetingSeminar, data.MeetingOther}

// interests are the lead temperatures in the order the form offers them.
var interests = []data.Interest{data.InterestNone, data.InterestCold, data.InterestWarm, data.InterestHot}

// confidentialities are the visibilities in the order the form offers them.
var confidentialities = []data.Confidentiality{data.Shared, data.Office, data.Private}

// meetingDraft is the whole state of a capture form, as typed: the texts
// are kept unparsed, so a half-typed time or amount comes back exactly as
// it was.
type meetingDraft struct {
	Saved    time.Time `json:"saved"`
	Mission  data.ID   `json:"mission"`
	Meeting  data.ID   `json:"meeting,omitempty"` // the meeting being edited; empty for a new one
	Title    string    `json:"title"`
	Date     string    `json:"date"`
	Time     string    `json:"time"`
	Duration string    `json:"duration"`
	Kind     string    `json:"kind"`
	Location string    `json:"location,omitempty"`
	Orgs     []pick    `json:"orgs,omitempty"`
	// Attendees are the host-side people, Delegates our own.
	Attendees       []pick     `json:"attendees,omitempty"`
	Delegates       []pick     `json:"delegates,omitempty"`
	Interest        string     `json:"interest,omitempty"`
	Confidentiality string     `json:"confidentiality"`
	Opportunities   []draftOpp `json:"opportunities,omitempty"`
	Tags            string     `json:"tags,omitempty"`
	Notes           string     `json:"notes,omitempty"`
	// Orig is the meeting as it was when the edit began: a restored edit
	// then writes only what the user changed, not every field of the form
	// over changes made meanwhile.
	Orig *data.Meeting `json:"orig,omitempty"`
}

// draftOpp is an opportunity row as typed.
type draftOpp struct {
	Title    string `json:"title"`
	Value    string `json:"value"`
	Currency string `json:"currency"`
}

// pick is a record chosen in a type-ahead: an existing one, or (New) one
// to create when the meeting is saved. A new record's ID is chosen when it
// is picked, so a retried save, or the save of a restored draft, never
// creates it twice.
type pick struct {
	ID    data.ID `json:"id"`
	Label string  `json:"label"`
	New   bool    `json:"new,omitempty"`
}

// key is the draft's content without the time it was saved, to tell
// whether anything changed since the last write.
func (d *meetingDraft) key() string {
	if d == nil {
		return "null"
	}
	c := *d
	c.Saved = time.Time{}
	b, _ := json.Marshal(&c)
	return string(b)
}

// captureState is a window's capture form and its draft bookkeeping. It is
// kept beside the window, keyed by it, so that everything about the
// capture lives in this file.
type captureState struct {
	form *meetingForm // the open capture form, if any; UI goroutine only
	seq  uint64       // numbers draft writes in the order the UI asked for them; UI goroutine only

	mu      sync.Mutex // serialises draft writes
	written uint64     // the newest write done or tried: older ones are dropped
	durable string     // the key of the draft last written successfully
}

var captureStates sync.Map // *mainWindow → *captureState

func (w *mainWindow) captureState() *captureState {
	v, _ := captureStates.LoadOrStore(w, &captureState{})
	return v.(*captureState)
}

// writeDraft stores d (nil clears the draft) unless a write the UI asked
// for later has already been done: so a slow periodic save can never bring
// back a draft that saving the meeting cleared.
func (cs *captureState) writeDraft(ctx context.Context, st *store.Store, seq uint64, d *meetingDraft) error {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if seq <= cs.written {
		return nil
	}
	cs.written = seq
	if err := st.SetSetting(ctx, settingDraft, d); err != nil {
		return err
	}
	cs.durable = d.key()
	return nil
}

// queueDraft writes d (nil: no draft) to st in the background; done, if
// any, runs on the UI goroutine afterwards.
func (w *mainWindow) queueDraft(st *store.Store, d *meetingDraft, done func(error)) {
	cs := w.captureState()
	cs.seq++
	seq := cs.seq
	w.background(func() {
		err := cs.writeDraft(w.ctx, st, seq, d)
		if done != nil {
			w.update(func() { done(err) })
		}
	})
}

// saveDraftNow writes the open capture form's draft at once, on the
// calling goroutine, and returns when it is durable. The window calls it
// as it closes, before it stops its background work, so the last seconds
// of typing are kept too. Without an open form it does nothing.
func (w *mainWindow) saveDraftNow() {
	cs := w.captureState()
	f := cs.form
	if f == nil || f.closed || w.st == nil || w.st != f.st {
		return
	}
	d := f.draftToKeep()
	if d == nil && f.queued == "null" {
		return // nothing typed, and no draft of this form to clear
	}
	cs.mu.Lock()
	same := cs.durable == d.key()
	cs.mu.Unlock()
	if same {
		return
	}
	cs.seq++
	if d != nil {
		d.Saved = time.Now().UTC()
	}
	_ = cs.writeDraft(context.Background(), f.st, cs.seq, d)
}

// newMeeting (Ctrl+N, the New meeting button) opens the capture form for
// a new meeting in the current mission.
func (w *mainWindow) newMeeting() {
	if f := w.captureState().form; f != nil {
		f.focus() // one capture at a time: it owns the one draft
		return
	}
	if w.st == nil {
		dialog.ShowInformation(i18n.T("meeting.new"), i18n.T("capture.nostore"), w.win)
		return
	}
	m := w.mission()
	if m == nil {
		dialog.ShowInformation(i18n.T("meeting.new"), i18n.T("capture.nomission"), w.win)
		return
	}
	w.openMeetingForm(m, nil, defaultDraft(m, time.Now()), false)
}

// defaultDraft is a new meeting as the form starts it: now, rounded to
// five minutes, in the mission's zone; half an hour; shared with the
// delegation. The kind is a B2B meeting while the mission is on (most
// meetings on a mission are), else other: a meeting logged before or after
// the trip is usually a call or a visit at home.
func defaultDraft(m *data.Mission, now time.Time) *meetingDraft {
	start := now.In(zoneOf(m.TimeZone)).Round(5 * time.Minute)
	kind := data.MeetingOther
	if today := data.DateOf(start); m.Start <= today && today <= m.End {
		kind = data.MeetingB2B
	}
	return &meetingDraft{Mission: m.ID, Date: start.Format(data.DateLayout), Time: start.Format("15:04"),
		Duration: "30", Kind: string(kind), Confidentiality: string(data.Shared)}
}

// zoneOf loads an IANA zone; UTC when it is empty or unknown (a mission's
// zone is validated, so that is only for damaged data).
func zoneOf(name string) *time.Location {
	if loc, err := time.LoadLocation(name); err == nil && name != "" {
		return loc
	}
	return time.UTC
}

// editMeeting opens the capture form on m, as it is in the store now.
func (w *mainWindow) editMeeting(m *data.Meeting) {
	if f := w.captureState().form; f != nil {
		f.focus()
		return
	}
	if w.st == nil {
		dialog.ShowInformation(i18n.T("capture.edit"), i18n.T("capture.nostore"), w.win)
		return
	}
	st := w.st
	w.background(func() {
		cur, mission, names, err := loadForEdit(w.ctx, st, m.ID)
		w.update(func() {
			if w.st != st {
				return
			}
			if err != nil {
				w.showError(err)
				return
			}
			if w.captureState().form != nil {
				return
			}
			w.openMeetingForm(mission, cur, draftOf(cur, names), false)
		})
	})
}

// loadForEdit reads a meeting, its mission and the names of the records
// it links (off the UI goroutine).
func loadForEdit(ctx context.Context, st *store.Store, id data.ID) (*data.Meeting, *data.Mission, map[data.ID]string, error) {
	m, err := store.Load[*data.Meeting](ctx, st, id)
	if err != nil {
		return nil, nil, nil, err
	}
	mission, err := store.Load[*data.Mission](ctx, st, m.Mission)
	if err != nil {
		return nil, nil, nil, err
	}
	names := map[data.ID]string{}
	for _, ids := range [][]data.ID{m.Orgs, m.Attendees, m.Delegates} {
		for _, id := range ids {
			if rec, err := st.Get(ctx, id); err == nil {
				names[id] = rec.Label()
			} else {
				names[id] = i18n.T("record.missing")
			}
		}
	}
	return m, mission, names, nil
}

// draftOf is a stored meeting as the form shows it.
func draftOf(m *data.Meeting, names map[data.ID]string) *meetingDraft {
	local := m.Local()
	d := &meetingDraft{Mission: m.Mission, Meeting: m.ID, Title: m.Title,
		Date: local.Format(data.DateLayout), Time: local.Format("15:04"),
		Kind: string(m.MeetingKind), Location: m.Location, Interest: string(m.Interest),
		Confidentiality: string(m.Confidentiality), Tags: strings.Join(m.Tags, ", "), Notes: m.Notes}
	if m.DurationMin > 0 {
		d.Duration = strconv.Itoa(m.DurationMin)
	}
	picks := func(ids []data.ID) []pick {
		var out []pick
		for _, id := range ids {
			out = append(out, pick{ID: id, Label: names[id]})
		}
		return out
	}
	d.Orgs, d.Attendees, d.Delegates = picks(m.Orgs), picks(m.Attendees), picks(m.Delegates)
	for _, o := range m.Opportunities {
		v := ""
		if o.Value != 0 {
			v = strconv.FormatFloat(o.Value, 'f', -1, 64)
		}
		d.Opportunities = append(d.Opportunities, draftOpp{Title: o.Title, Value: v, Currency: o.Currency})
	}
	return d
}

// restoreDraft offers back a draft a previous run left (it crashed, lost
// power or was closed with the form open): it loads the draft in the
// background and, if there is one, reopens the capture form with it. The
// window calls it once, after the first successful load.
func (w *mainWindow) restoreDraft() {
	if w.st == nil || w.captureState().form != nil {
		return
	}
	st := w.st
	w.background(func() {
		var d *meetingDraft
		err := st.Setting(w.ctx, settingDraft, &d)
		if errors.Is(err, data.ErrNotFound) || (err == nil && d == nil) {
			return
		}
		var mission *data.Mission
		var orig *data.Meeting
		if err == nil && d.Meeting != "" {
			// Editing a meeting deleted meanwhile: the draft becomes a new
			// meeting rather than being lost.
			if orig, err = store.Load[*data.Meeting](w.ctx, st, d.Meeting); errors.Is(err, data.ErrNotFound) {
				orig, err, d.Meeting = nil, nil, ""
			} else if err == nil && d.Orig != nil && d.Orig.ID == orig.ID {
				orig = d.Orig // the edit is of the meeting as it was then
			}
		}
		if err == nil && d.Mission != "" {
			mission, err = store.Load[*data.Mission](w.ctx, st, d.Mission)
			if errors.Is(err, data.ErrNotFound) {
				mission, err = nil, nil
			}
		}
		w.update(func() {
			if w.st != st || w.captureState().form != nil {
				return
			}
			if err != nil {
				w.showError(err)
				return
			}
			if mission == nil {
				// The mission is gone: keep the notes with the current one.
				if mission = w.mission(); mission == nil {
					dialog.ShowInformation(i18n.T("meeting.new"), i18n.T("capture.nomission"), w.win)
					return
				}
				d.Mission = mission.ID
			}
			f := w.openMeetingForm(mission, orig, d, true)
			saved := d.Saved.In(w.homeZone)
			at := saved.Format("15:04")
			if data.DateOf(saved) != data.DateOf(time.Now().In(w.homeZone)) {
				at = formatDate(data.DateOf(saved)) + " " + at
			}
			f.restored.SetText(i18n.T("capture.restored", at))
			f.restored.Show()
		})
	})
}

// meetingForm is the open capture dialog. Everything in it is touched on
// the UI goroutine only, except ticking, which the draft ticker sets.
type meetingForm struct {
	w       *mainWindow
	st      *store.Store // the store the form was opened on
	mission *data.Mission
	orig    *data.Meeting // the meeting being edited; nil for a new one
	loc     *time.Location
	zone    string

	d         *dialog.CustomDialog
	root      fyne.CanvasObject
	pop       func()
	closed    bool
	saving    bool
	fromDraft bool   // restored: unsaved until saved or discarded
	baseline  string // the draft key as opened, to tell whether anything was typed
	queued    string // the draft key last queued for writing
	stopTick  context.CancelFunc
	ticking   atomic.Bool // an autosave is queued on the UI goroutine

	title, date, clock, duration, location, tags, notes *entry
	when                                                *widget.Label
	kind, conf                                          *widget.Select
	interest                                            *widget.RadioGroup
	orgs, attendees, delegates                          *picker
	opps                                                []*oppRow
	oppBox                                              *fyne.Container
	problem, restored, status                           *widget.Label
	saveBtn                                             *widget.Button
	confirm                                             dialog.Dialog
}

// oppRow is one opportunity's row: title, value, currency.
type oppRow struct {
	title, value, currency *entry
	view                   fyne.CanvasObject
}

// openMeetingForm builds and shows the capture dialog for a meeting of
// mission (orig when editing), filled from d. fromDraft says d is a
// restored draft, unsaved work even if nothing more is typed.
func (w *mainWindow) openMeetingForm(mission *data.Mission, orig *data.Meeting, d *meetingDraft, fromDraft bool) *meetingForm {
	f := &meetingForm{w: w, st: w.st, mission: mission, orig: orig, fromDraft: fromDraft}
	f.zone = mission.TimeZone
	if orig != nil && orig.TimeZone != "" {
		f.zone = orig.TimeZone
	}
	f.loc = zoneOf(f.zone)
	f.build()
	f.fill(d)
	f.baseline = f.snapshot().key()
	f.queued = "null"
	if fromDraft {
		f.queued = d.key()
	}

	title := i18n.T("meeting.new")
	if orig != nil {
		title = i18n.T("capture.edit")
	}
	f.d = dialog.NewCustomWithoutButtons(title+" · "+mission.Name, f.root, w.win)
	cancel := widget.NewButtonWithIcon(i18n.T("action.cancel"), theme.CancelIcon(), f.cancel)
	f.saveBtn = widget.NewButtonWithIcon(i18n.T("action.save"), theme.DocumentSaveIcon(), f.submit)
	f.saveBtn.Importance = widget.HighImportance
	f.d.SetButtons([]fyne.CanvasObject{cancel, f.saveBtn})
	f.pop = w.pushForm(&form{save: f.submit, cancel: f.cancel})
	w.captureState().form = f
	// Nearly the whole window: this is where a meeting is typed, and the
	// notes should have room.
	size := w.win.Canvas().Size()
	f.d.Resize(fyne.NewSize(max(900, size.Width*0.96), max(600, size.Height*0.92)))
	f.d.Show()
	f.focus()
	f.startTicker()
	return f
}

func (f *meetingForm) build() {
	w := f.w
	f.title = w.newEntry()
	f.title.SetPlaceHolder(i18n.T("capture.title.hint"))
	// Enter after the title goes straight on to the notes: in a meeting
	// the title is typed first and the notes right after, the rest later.
	f.title.OnSubmitted = func(string) { w.win.Canvas().Focus(f.notes) }
	f.date = w.newEntry()
	f.date.SetPlaceHolder("YYYY-MM-DD")
	f.clock = w.newEntry()
	f.clock.SetPlaceHolder("HH:MM")
	f.duration = w.newEntry()
	f.when = widget.NewLabel("")
	f.when.Wrapping = fyne.TextWrapWord
	f.date.OnChanged = func(string) { f.showWhen() }
	f.clock.OnChanged = func(string) { f.showWhen() }

	var kinds []string
	for _, k := range meetingKinds {
		kinds = append(kinds, i18n.T("meeting.kind."+string(k)))
	}
	f.kind = widget.NewSelect(kinds, nil)
	f.location = w.newEntry()
	f.orgs = f.newPicker(data.KindOrg, "capture.orgs.hint")
	f.attendees = f.newPicker(data.KindContact, "capture.people.hint")
	f.delegates = f.newPicker(data.KindContact, "capture.delegates.hint")

	var ints []string
	for _, in := range interests {
		ints = append(ints, interestLabel(in))
	}
	f.interest = widget.NewRadioGroup(ints, nil)
	f.interest.Horizontal = true
	f.interest.Required = true
	var confs []string
	for _, c := range confidentialities {
		confs = append(confs, i18n.T("confidentiality."+string(c)))
	}
	f.conf = widget.NewSelect(confs, nil)
	f.tags = w.newEntry()
	f.tags.SetPlaceHolder(i18n.T("capture.tags.hint"))
	f.notes = w.newMultiLineEntry()
	f.notes.SetPlaceHolder(i18n.T("capture.notes.hint"))
	f.notes.SetMinRowsVisible(14)

	f.problem = problemLabel()
	f.restored = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	f.restored.Importance = widget.WarningImportance
	f.restored.Hide()
	f.status = widget.NewLabel(i18n.T("capture.keys"))
	f.status.Importance = widget.LowImportance

	minutes := container.NewBorder(nil, nil, nil, widget.NewLabel(i18n.T("capture.minutes")), f.duration)
	when := container.NewVBox(container.NewGridWithColumns(3, f.date, f.clock, minutes), f.when)
	left := widget.NewForm(
		widget.NewFormItem(i18n.T("capture.field.title"), f.title),
		widget.NewFormItem(i18n.T("meeting.field.when"), when),
		widget.NewFormItem(i18n.T("meeting.field.kind"), f.kind),
		widget.NewFormItem(i18n.T("meeting.field.location"), f.location),
		widget.NewFormItem(i18n.T("capture.field.orgs"), f.orgs.view),
		widget.NewFormItem(i18n.T("meeting.field.attendees"), f.attendees.view),
		widget.NewFormItem(i18n.T("meeting.field.delegates"), f.delegates.view),
		widget.NewFormItem(i18n.T("capture.field.interest"), f.interest),
		widget.NewFormItem(i18n.T("meeting.field.confidentiality"), f.conf),
		widget.NewFormItem(i18n.T("meeting.field.tags"), f.tags),
	)

	f.oppBox = container.NewVBox()
	addOpp := widget.NewButtonWithIcon(i18n.T("capture.opp.add"), theme.ContentAddIcon(), func() {
		r := f.addOpp(draftOpp{Currency: "EUR"})
		w.win.Canvas().Focus(r.title)
	})
	opps := container.NewVBox(widget.NewLabelWithStyle(i18n.T("meeting.field.opportunities"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		f.oppBox, container.NewHBox(addOpp))
	right := container.NewBorder(
		widget.NewLabelWithStyle(i18n.T("meeting.field.notes"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		opps, nil, nil, f.notes)

	// A split rather than two equal columns: the fields' side is as wide as
	// its longest row needs in every language (Estonian and Russian labels
	// are long), the notes take the rest, and the user can move the line.
	body := container.NewHSplit(container.NewVScroll(left), right)
	body.Offset = 0.45
	f.root = container.NewBorder(container.NewVBox(f.restored, f.problem), f.status, nil, nil, body)
}

func interestLabel(in data.Interest) string {
	if in == data.InterestNone {
		return i18n.T("capture.interest.none")
	}
	return i18n.T("interest." + string(in))
}

// fill sets every field from d.
func (f *meetingForm) fill(d *meetingDraft) {
	f.title.SetText(d.Title)
	f.date.SetText(d.Date)
	f.clock.SetText(d.Time)
	f.duration.SetText(d.Duration)
	f.kind.SetSelectedIndex(indexOf(meetingKinds, data.MeetingKind(d.Kind), data.MeetingOther))
	f.location.SetText(d.Location)
	f.orgs.set(d.Orgs)
	f.attendees.set(d.Attendees)
	f.delegates.set(d.Delegates)
	f.interest.SetSelected(interestLabel(interests[indexOf(interests, data.Interest(d.Interest), data.InterestNone)]))
	f.conf.SetSelectedIndex(indexOf(confidentialities, data.Confidentiality(d.Confidentiality), data.Shared))
	for _, o := range d.Opportunities {
		f.addOpp(o)
	}
	f.tags.SetText(d.Tags)
	f.notes.SetText(d.Notes)
	f.showWhen()
}

func indexOf[T comparable](list []T, v, fallback T) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	for i, x := range list {
		if x == fallback {
			return i
		}
	}
	return 0
}

// snapshot is the form's state as a draft.
func (f *meetingForm) snapshot() *meetingDraft {
	d := &meetingDraft{Mission: f.mission.ID, Title: f.title.Text, Date: f.date.Text, Time: f.clock.Text,
		Duration: f.duration.Text, Location: f.location.Text, Tags: f.tags.Text, Notes: f.notes.Text,
		Orgs: f.orgs.picked(), Attendees: f.attendees.picked(), Delegates: f.delegates.picked()}
	if f.orig != nil {
		d.Meeting, d.Orig = f.orig.ID, f.orig
	}
	if i := f.kind.SelectedIndex(); i >= 0 {
		d.Kind = string(meetingKinds[i])
	}
	for _, in := range interests {
		if interestLabel(in) == f.interest.Selected {
			d.Interest = string(in)
		}
	}
	if i := f.conf.SelectedIndex(); i >= 0 {
		d.Confidentiality = string(confidentialities[i])
	}
	for _, r := range f.opps {
		d.Opportunities = append(d.Opportunities, draftOpp{Title: r.title.Text, Value: r.value.Text, Currency: r.currency.Text})
	}
	return d
}

// dirty says whether the form holds anything not saved: typed changes, or
// a restored draft.
func (f *meetingForm) dirty() bool {
	return f.fromDraft || f.snapshot().key() != f.baseline
}

// draftToKeep is the draft to store: the form's state, or nil when it
// holds nothing unsaved.
func (f *meetingForm) draftToKeep() *meetingDraft {
	d := f.snapshot()
	if !f.fromDraft && d.key() == f.baseline {
		return nil
	}
	return d
}

// focus puts the cursor where typing continues: the title while it is
// empty, else the notes.
func (f *meetingForm) focus() {
	c := f.w.win.Canvas()
	if strings.TrimSpace(f.title.Text) == "" {
		c.Focus(f.title)
	} else {
		c.Focus(f.notes)
	}
}

// showWhen shows the typed time in the mission's zone and in home time.
func (f *meetingForm) showWhen() {
	t, err := data.ParseLocal(f.date.Text+" "+f.clock.Text, f.loc)
	if err != nil {
		f.when.SetText(i18n.T("capture.when.invalid"))
		return
	}
	home := t.In(f.w.homeZone)
	f.when.SetText(i18n.T("meeting.when.local", formatDate(data.DateOf(t)), t.Format("15:04"), f.zone) + "\n" +
		i18n.T("meeting.when.home", formatDate(data.DateOf(home)), home.Format("15:04"), zoneName(f.w.homeZone)))
}

func (f *meetingForm) addOpp(o draftOpp) *oppRow {
	w := f.w
	r := &oppRow{title: w.newEntry(), value: w.newEntry(), currency: w.newEntry()}
	r.title.SetPlaceHolder(i18n.T("capture.opp.title"))
	r.value.SetPlaceHolder(i18n.T("capture.opp.value"))
	r.currency.SetPlaceHolder("EUR")
	r.title.SetText(o.Title)
	r.value.SetText(o.Value)
	r.currency.SetText(o.Currency)
	remove := widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		for i, x := range f.opps {
			if x == r {
				f.opps = append(f.opps[:i], f.opps[i+1:]...)
			}
		}
		f.oppBox.Remove(r.view)
	})
	h := r.value.MinSize().Height
	r.view = container.NewBorder(nil, nil, nil,
		container.NewHBox(container.NewGridWrap(fyne.NewSize(120, h), r.value), container.NewGridWrap(fyne.NewSize(76, h), r.currency), remove),
		r.title)
	f.opps = append(f.opps, r)
	f.oppBox.Add(r.view)
	return r
}

// startTicker saves the draft every draftEvery while the form is open:
// the ticker only asks the UI goroutine for a snapshot, which is then
// written in the background.
func (f *meetingForm) startTicker() {
	ctx, cancel := context.WithCancel(f.w.ctx)
	f.stopTick = cancel
	every := draftEvery // read here: tests change it between windows
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if f.ticking.CompareAndSwap(false, true) {
				f.w.update(f.autosave)
			}
		}
	}()
}

// autosave writes the draft if it changed since the last write.
func (f *meetingForm) autosave() {
	f.ticking.Store(false)
	w := f.w
	if f.closed || w.ctx.Err() != nil {
		return
	}
	if w.st != f.st {
		// Locked: the lock closed the dialog and the store. The draft
		// written a few seconds ago stays for restoreDraft.
		f.close()
		return
	}
	f.saveDraft()
}

// saveDraft queues a write of the form's draft if it differs from the
// one last queued.
func (f *meetingForm) saveDraft() {
	d := f.draftToKeep()
	key := d.key()
	if key == f.queued {
		return
	}
	f.queued = key
	if d != nil {
		d.Saved = time.Now().UTC()
	}
	f.w.queueDraft(f.st, d, func(err error) {
		if f.closed {
			return
		}
		switch {
		case err != nil:
			f.queued = "" // try again on the next tick
			f.status.SetText(i18n.T("capture.draft.failed", err.Error()))
		case d != nil:
			f.status.SetText(i18n.T("capture.draft.saved", time.Now().In(f.w.homeZone).Format("15:04:05")) + " · " + i18n.T("capture.keys"))
		}
	})
}

// close closes the dialog and forgets the form; the draft is left as it is.
func (f *meetingForm) close() {
	if f.closed {
		return
	}
	f.closed = true
	f.stopTick()
	for _, p := range []*picker{f.orgs, f.attendees, f.delegates} {
		p.stop()
	}
	f.pop()
	if cs := f.w.captureState(); cs.form == f {
		cs.form = nil
	}
	if f.confirm != nil {
		f.confirm.Hide()
	}
	f.d.Hide()
}

// cancel (Esc, Cancel) closes the dialog shown above the form, if any;
// else closes the form, asking first when something typed would be lost.
// The draft is written at once, so it is safe whatever happens next.
func (f *meetingForm) cancel() {
	if f.w.st != f.st {
		f.close() // locked meanwhile: the draft stays for restoreDraft
		return
	}
	c := f.w.win.Canvas()
	if top := c.Overlays().Top(); top != nil && !holds(top, f.root) {
		c.Overlays().Remove(top)
		return
	}
	if !f.dirty() {
		f.close()
		if f.queued != "null" {
			f.w.queueDraft(f.st, nil, nil)
		}
		return
	}
	f.saveDraft()
	cd := dialog.NewConfirm(i18n.T("capture.discard.title"), i18n.T("capture.discard.body"), func(discard bool) {
		f.confirm = nil
		if !discard || f.closed {
			if !f.closed {
				f.focus()
			}
			return
		}
		f.close()
		f.queued = "null"
		f.w.queueDraft(f.st, nil, nil)
	}, f.w.win)
	cd.SetConfirmText(i18n.T("capture.discard.do"))
	cd.SetDismissText(i18n.T("capture.keep"))
	f.confirm = cd
	cd.Show()
}

// holds says whether o is, or contains, target.
func holds(o, target fyne.CanvasObject) bool {
	if o == target {
		return true
	}
	switch x := o.(type) {
	case *widget.PopUp:
		return holds(x.Content, target)
	case *fyne.Container:
		for _, c := range x.Objects {
			if holds(c, target) {
				return true
			}
		}
	}
	return false
}

// formProblem is a field the form itself could not read.
type formProblem struct {
	msg   string
	field fyne.Focusable
}

func (p *formProblem) Error() string { return p.msg }

// meeting builds the meeting to save from the form, with the new records
// its picks ask for (organizations first: new contacts link to them).
func (f *meetingForm) meeting() (*data.Meeting, []data.Record, error) {
	m := &data.Meeting{}
	if f.orig != nil {
		c := *f.orig // keeps every field the form does not show
		m = &c
	}
	m.Mission = f.mission.ID
	if f.orig != nil {
		m.Mission = f.orig.Mission
	}
	m.Title = strings.TrimSpace(f.title.Text)
	m.TimeZone = f.zone
	start, err := data.ParseLocal(strings.TrimSpace(f.date.Text)+" "+strings.TrimSpace(f.clock.Text), f.loc)
	if err != nil {
		return nil, nil, &formProblem{i18n.T("capture.when.invalid"), f.clock}
	}
	// An edit that leaves the time alone keeps the stored instant, also
	// any seconds the form does not show.
	if o := f.orig; o == nil || !o.Local().Truncate(time.Minute).Equal(start) {
		m.Start = start.UTC()
	}
	m.DurationMin = 0
	if s := strings.TrimSpace(f.duration.Text); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 24*60 {
			return nil, nil, &formProblem{i18n.T("capture.error.duration"), f.duration}
		}
		m.DurationMin = n
	}
	if i := f.kind.SelectedIndex(); i >= 0 {
		m.MeetingKind = meetingKinds[i]
	}
	m.Location = strings.TrimSpace(f.location.Text)
	m.Interest = data.Interest(f.snapshot().Interest)
	if i := f.conf.SelectedIndex(); i >= 0 {
		m.Confidentiality = confidentialities[i]
	}
	m.Tags = splitList(f.tags.Text)
	m.Notes = f.notes.Text
	m.Opportunities = nil
	for _, r := range f.opps {
		title, value := strings.TrimSpace(r.title.Text), strings.TrimSpace(r.value.Text)
		if title == "" && value == "" {
			continue // an empty row added by mistake
		}
		o := data.Opportunity{Title: title, Currency: strings.ToUpper(strings.TrimSpace(r.currency.Text))}
		if value != "" {
			v, ok := parseAmount(value)
			if !ok {
				return nil, nil, &formProblem{i18n.T("capture.error.value", value), r.value}
			}
			o.Value = v
		}
		m.Opportunities = append(m.Opportunities, o)
	}

	var create []data.Record
	m.Orgs = nil
	for _, p := range f.orgs.picks {
		m.Orgs = append(m.Orgs, p.ID)
		if p.New {
			create = append(create, &data.Organization{Base: data.Base{ID: p.ID}, Name: p.Label,
				OrgKind: data.OrgHost, Country: f.mission.Country})
		}
	}
	newContact := func(p pick, org data.ID) data.Record {
		given, family := data.SplitName(p.Label, false)
		return &data.Contact{Base: data.Base{ID: p.ID}, GivenName: given, FamilyName: family, Org: org, Source: "manual"}
	}
	m.Attendees = nil
	for _, p := range f.attendees.picks {
		m.Attendees = append(m.Attendees, p.ID)
		if p.New {
			var org data.ID
			if len(m.Orgs) > 0 {
				org = m.Orgs[0] // the host they were met at
			}
			create = append(create, newContact(p, org))
		}
	}
	m.Delegates = nil
	for _, p := range f.delegates.picks {
		m.Delegates = append(m.Delegates, p.ID)
		if p.New {
			create = append(create, newContact(p, "")) // our own people: not the host's staff
		}
	}
	return m, create, nil
}

// parseAmount reads an amount as people type it: "120 000", "1,5",
// "12,500.50".
func parseAmount(s string) (float64, bool) {
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "'", "").Replace(s)
	if strings.Contains(s, ",") && strings.Contains(s, ".") {
		s = strings.ReplaceAll(s, ",", "")
	} else {
		s = strings.ReplaceAll(s, ",", ".")
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

// submit (Ctrl+S, Save) saves the meeting and the records it asks for in
// the background; the form stays open, as typed, until the save succeeds.
func (f *meetingForm) submit() {
	w := f.w
	if f.saving || f.closed {
		return
	}
	if w.st != f.st {
		f.close() // locked meanwhile: the draft stays for restoreDraft
		return
	}
	m, create, err := f.meeting()
	if err != nil {
		f.showProblem(err)
		return
	}
	f.saving = true
	f.saveBtn.Disable()
	f.status.SetText(i18n.T("card.capture.saving"))
	st, orig := f.st, f.orig
	w.background(func() {
		err := saveMeeting(w.ctx, st, m, create, orig)
		w.update(func() {
			if w.st != st || f.closed {
				return
			}
			f.saving = false
			f.saveBtn.Enable()
			f.status.SetText(i18n.T("capture.keys"))
			if err != nil {
				if errors.Is(err, data.ErrInvalid) || errors.Is(err, data.ErrNotFound) {
					f.showProblem(err)
				} else {
					w.showError(err)
				}
				return
			}
			f.close()
			f.queued = "null"
			w.queueDraft(st, nil, nil)
			w.changed()
			w.openRecord(m)
		})
	})
}

// saveMeeting creates the new records a meeting links, then saves it (an
// edit of orig when orig is set). The
// meeting is checked first, so a meeting that cannot be saved creates
// nothing; a record created by an earlier, failed attempt is not created
// again.
func saveMeeting(ctx context.Context, st *store.Store, m *data.Meeting, create []data.Record, orig *data.Meeting) error {
	probe := *m
	if err := data.Prepare(&probe); err != nil {
		return err
	}
	for _, rec := range create {
		_, err := st.Get(ctx, rec.Meta().ID)
		if err == nil {
			continue
		}
		if !errors.Is(err, data.ErrNotFound) {
			return err
		}
		if err := st.Create(ctx, rec); err != nil {
			return err
		}
	}
	if orig != nil {
		// Only what was changed in the form is written: a change made
		// meanwhile (another screen, sync) to another field stays.
		_, err := st.UpdateFrom(ctx, orig, m)
		return err
	}
	return st.Create(ctx, m)
}

// showProblem shows why the meeting was not saved, naming the field, and
// puts the cursor there; nothing typed is touched.
func (f *meetingForm) showProblem(err error) {
	var focus fyne.Focusable
	msg := err.Error()
	var fp *formProblem
	var fe *data.FieldError
	switch {
	case errors.As(err, &fp):
		focus = fp.field
	case errors.As(err, &fe):
		label, field := f.fieldOf(fe.Field)
		focus = field
		switch {
		case fe.Kind != data.KindMeeting:
			msg = kindLabel(fe.Kind) + ": " + fieldProblem(fe) // a new organization or contact
		case strings.HasPrefix(fe.Msg, "is required"):
			msg = i18n.T("capture.error.required", label)
		default:
			msg = label + ": " + fieldMessage(fe)
		}
	}
	f.problem.SetText(msg)
	f.problem.Show()
	if focus != nil {
		f.w.win.Canvas().Focus(focus)
	}
}

// fieldOf is the label and the widget of a meeting's field, by its JSON
// name as FieldError gives it.
func (f *meetingForm) fieldOf(name string) (string, fyne.Focusable) {
	switch name {
	case "title":
		return i18n.T("capture.field.title"), f.title
	case "start", "tz":
		return i18n.T("meeting.field.when"), f.clock
	case "duration_min":
		return i18n.T("capture.field.duration"), f.duration
	case "kind":
		return i18n.T("meeting.field.kind"), nil
	case "location":
		return i18n.T("meeting.field.location"), f.location
	case "orgs":
		return i18n.T("capture.field.orgs"), f.orgs.entry
	case "attendees":
		return i18n.T("meeting.field.attendees"), f.attendees.entry
	case "delegates":
		return i18n.T("meeting.field.delegates"), f.delegates.entry
	case "interest":
		return i18n.T("capture.field.interest"), nil
	case "confidentiality":
		return i18n.T("meeting.field.confidentiality"), nil
	case "opportunities":
		if len(f.opps) > 0 {
			return i18n.T("meeting.field.opportunities"), f.opps[0].title
		}
		return i18n.T("meeting.field.opportunities"), nil
	case "tags":
		return i18n.T("meeting.field.tags"), f.tags
	case "notes":
		return i18n.T("meeting.field.notes"), f.notes
	case "mission":
		return i18n.T("kind.mission"), nil
	}
	return name, nil
}

// picker chooses organizations or people by type-ahead: typing searches
// the store in the background and lists the matches under the entry;
// picking one adds a removable chip. When nothing has the typed name, it
// offers to create the record when the meeting is saved.
type picker struct {
	f       *meetingForm
	kind    data.Kind
	entry   *entry
	results *fyne.Container
	chips   *fyne.Container
	view    fyne.CanvasObject
	picks   []pick
	cancel  context.CancelFunc
	seq     int
	first   func() // picks the top result: Enter in the entry
	// enter: Enter was pressed before the results for the text typed
	// arrived; the top result is picked when they do.
	enter bool
}

func (f *meetingForm) newPicker(kind data.Kind, hintKey string) *picker {
	p := &picker{f: f, kind: kind, entry: f.w.newEntry()}
	p.entry.SetPlaceHolder(i18n.T(hintKey))
	p.entry.OnChanged = p.search
	p.entry.OnSubmitted = func(string) {
		if p.first != nil {
			p.first()
		} else if p.cancel != nil {
			p.enter = true // a search is running: pick when it answers
		}
	}
	p.results = container.NewVBox()
	p.chips = container.New(layout.NewRowWrapLayout())
	p.view = container.NewVBox(p.entry, p.results, p.chips)
	return p
}

// search looks up what was typed, cancelling the search before it.
func (p *picker) search(text string) {
	w := p.f.w
	p.stop()
	p.seq++
	seq := p.seq
	// The results on screen are for the text before: Enter must not pick
	// from them.
	p.first, p.enter = nil, false
	q := strings.TrimSpace(text)
	st := p.f.st
	if q == "" || st == nil || w.st != st {
		p.show(nil, "")
		return
	}
	ctx, cancel := context.WithCancel(w.ctx)
	p.cancel = cancel
	w.background(func() {
		hits, err := st.Search(ctx, q, 20)
		w.update(func() {
			if w.st != st || p.seq != seq || p.f.closed {
				return // stale: typed on, or the form is gone
			}
			p.stop() // done: release its context
			if err != nil {
				p.f.showProblem(err)
				return
			}
			p.show(hits, q)
			if p.enter && p.first != nil {
				p.enter = false
				p.first()
			}
		})
	})
}

// stop cancels the search in flight, if any.
func (p *picker) stop() {
	if p.cancel != nil {
		p.cancel()
		p.cancel = nil
	}
}

// maxResults bounds the matches listed under a picker: the list must not
// push the rest of the form away, and a longer query narrows it.
const maxResults = 6

// show lists the hits of the picker's kind not picked yet, and the offer
// to create q if none has exactly that name.
func (p *picker) show(hits []store.Hit, q string) {
	var objs []fyne.CanvasObject
	p.first = nil
	exact := false
	for _, h := range hits {
		if h.Kind != p.kind || p.has(h.ID) {
			continue
		}
		if locale.Fold(h.Label) == locale.Fold(q) {
			exact = true
		}
		if len(objs) == maxResults {
			continue
		}
		pk := pick{ID: h.ID, Label: h.Label}
		b := widget.NewButtonWithIcon(h.Label, theme.ContentAddIcon(), func() { p.add(pk) })
		b.Alignment = widget.ButtonAlignLeading
		b.Importance = widget.LowImportance
		if p.first == nil {
			p.first = func() { p.add(pk) }
		}
		objs = append(objs, b)
	}
	if q != "" && !exact {
		key := "capture.create.contact"
		if p.kind == data.KindOrg {
			key = "capture.create.org"
		}
		pk := pick{Label: q, New: true}
		add := func() { pk.ID = data.NewID(); p.add(pk) }
		b := widget.NewButtonWithIcon(i18n.T(key, q), theme.ContentAddIcon(), add)
		b.Alignment = widget.ButtonAlignLeading
		if p.first == nil {
			p.first = add
		}
		objs = append(objs, b)
	}
	p.results.Objects = objs
	p.results.Refresh()
}

func (p *picker) has(id data.ID) bool {
	for _, x := range p.picks {
		if x.ID == id {
			return true
		}
	}
	return false
}

// add picks a record and clears the entry for the next one.
func (p *picker) add(pk pick) {
	if !p.has(pk.ID) {
		p.picks = append(p.picks, pk)
	}
	p.entry.SetText("") // clears the results too
	p.showChips()
	p.f.w.win.Canvas().Focus(p.entry)
}

func (p *picker) set(picks []pick) {
	p.picks = append([]pick(nil), picks...)
	p.showChips()
}

func (p *picker) picked() []pick { return append([]pick(nil), p.picks...) }

// showChips shows each pick as a button that removes it.
func (p *picker) showChips() {
	var objs []fyne.CanvasObject
	for _, pk := range p.picks {
		label := pk.Label
		switch {
		case pk.New && p.kind == data.KindOrg:
			label += " " + i18n.T("capture.new.org")
		case pk.New:
			label += " " + i18n.T("capture.new.contact")
		}
		id := pk.ID
		b := widget.NewButtonWithIcon(label, theme.CancelIcon(), func() {
			for i, x := range p.picks {
				if x.ID == id {
					p.picks = append(p.picks[:i], p.picks[i+1:]...)
					break
				}
			}
			p.showChips()
		})
		b.IconPlacement = widget.ButtonIconTrailingText
		objs = append(objs, b)
	}
	p.chips.Objects = objs
	p.chips.Refresh()
}
