package report

import (
	"context"
	"fmt"
	"io"
	"testing"

	"github.com/clusme/fieldbook/data"
	"github.com/clusme/fieldbook/data/sample"
	"github.com/clusme/fieldbook/data/store"
)

// big30 makes a mission with 30 member organizations in the fixture store:
// copies of the sample members under new names, each with its contact.
func big30(b *testing.B) data.ID {
	b.Helper()
	ctx := context.Background()
	mid := data.DeterministicID(created, "bench-mission-30")
	if _, err := fixture.Get(ctx, mid); err == nil {
		return mid
	}
	src := []string{"hydroset", "kaamos-ohjaamot", "torva-velg", "parnu-keevitusrobotid", "sim-kalibrointi",
		"veemoot", "paikesevalvur", "jaatmeenergia", "smidt-poder", "soojusaku"}
	var recs []data.Record
	m := *mustMissionB(b, tkMission)
	m.Base = data.Base{ID: mid}
	m.Name = "Benchmark mission with 30 member companies"
	m.Members = nil
	for i := 0; i < 30; i++ {
		o, err := store.Load[*data.Organization](ctx, fixture, sample.RefID("@org:"+src[i%len(src)]))
		if err != nil {
			b.Fatal(err)
		}
		c := *o
		c.Base = data.Base{ID: data.DeterministicID(created, fmt.Sprintf("bench-org-%d", i))}
		c.Name = fmt.Sprintf("%s %02d", o.Name, i+1)
		recs = append(recs, &c)
		person := &data.Contact{
			Base:      data.Base{ID: data.DeterministicID(created, fmt.Sprintf("bench-contact-%d", i))},
			GivenName: "Tõnu", FamilyName: fmt.Sprintf("Põder %02d", i+1), Title: "CEO", Org: c.ID,
			Emails: []string{fmt.Sprintf("tonu.poder%02d@example.com", i+1)}, Phones: []string{"+372 5555 0101"},
		}
		recs = append(recs, person)
		m.Members = append(m.Members, c.ID)
	}
	recs = append(recs, &m)
	if _, err := fixture.Import(ctx, recs, nil); err != nil {
		b.Fatal(err)
	}
	return mid
}

func mustMissionB(b *testing.B, id data.ID) *data.Mission {
	m, err := store.Load[*data.Mission](context.Background(), fixture, id)
	if err != nil {
		b.Fatal(err)
	}
	return m
}

func BenchmarkBrochure(b *testing.B) {
	ctx := context.Background()
	id := sample.RefID("@org:veemoot")
	b.ReportAllocs()
	for b.Loop() {
		if err := Brochure(ctx, fixture, id, opts("ru"), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCatalogue30(b *testing.B) {
	ctx := context.Background()
	id := big30(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := Catalogue(ctx, fixture, id, opts("ru"), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFollowUpList1000(b *testing.B) {
	ctx := context.Background()
	items := manyFollowUps(1000, sample.RefID("@org:toshkent-suv"))
	b.ReportAllocs()
	for b.Loop() {
		if err := FollowUpList(ctx, fixture, items, "Follow-ups", opts("en"), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReport(b *testing.B) {
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if err := Report(ctx, fixture, rbMission, opts("en"), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
