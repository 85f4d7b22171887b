package slo

import (
	"testing"
	"time"
)

// BenchmarkSingleLogout1000x2: the time from ending 1,000 sessions, each joined by 2 systems,
// to the moment both systems' receivers have accepted (verified against the JWKS) all 2,000
// logout tokens, against real Redis with the default worker settings (16 in flight, 8 per
// system). Session creation is outside the timer.
//
//	go test -run '^$' -bench SingleLogout -benchtime 5x ./internal/slo
func BenchmarkSingleLogout1000x2(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) {
			f := newFixture(b, be, func(s *Service) {
				s.BaseDelay, s.MaxDelay, s.PollEvery, s.RefreshEvery = 0, 0, 0, 0 // defaults
			})
			f.svc.Settled = nil
			crm, wiki := newReceiver(b, &f.jwks, "crm"), newReceiver(b, &f.jwks, "wiki")
			f.addSystem("crm", crm.srv.URL)
			f.addSystem("wiki", wiki.srv.URL)
			f.run()
			const n = 1000
			var total, ending time.Duration
			for b.Loop() {
				b.StopTimer()
				sids := make([]string, n)
				for i := range sids {
					sids[i] = f.session("u-1", "crm", "wiki").ID
				}
				drain(crm.hits)
				drain(wiki.hits)
				b.StartTimer()
				start := time.Now()
				endAll(b, f, sids)
				ending += time.Since(start)
				crm.collect(n)
				wiki.collect(n)
				total += time.Since(start)
			}
			b.ReportMetric(float64(2*n*b.N)/total.Seconds(), "deliveries/s")
			b.ReportMetric(float64(ending.Milliseconds())/float64(b.N), "ms-to-end-sessions/op")
		})
	}
}

func drain(c chan int) {
	for {
		select {
		case <-c:
		default:
			return
		}
	}
}
