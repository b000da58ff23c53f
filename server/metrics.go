package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/lexval/lexval/resolver"
)

// Validation outcomes, as metric labels.
const (
	outcomeValid      = "valid"
	outcomeInvalid    = "invalid"
	outcomeUnresolved = "unresolved" // valid, except for references not checked
)

// metrics live in the server's own registry, so that two servers in one
// process (tests) do not collide and nothing leaks in from other packages.
type metrics struct {
	registry    *prometheus.Registry
	requests    *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	validations *prometheus.CounterVec
	// One counter per outcome, looked up once rather than per value.
	valid, invalid, unresolved prometheus.Counter
}

func newMetrics(res *resolver.Resolver) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "lexval", Subsystem: "http", Name: "requests_total",
			Help: "HTTP requests by route pattern, method and status code.",
		}, []string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "lexval", Subsystem: "http", Name: "request_duration_seconds",
			Help:    "HTTP request latency by route pattern and method.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"route", "method"}),
		validations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "lexval", Name: "validations_total",
			Help: "Values validated, by outcome: valid, invalid, or unresolved (valid except for references not checked).",
		}, []string{"outcome"}),
	}
	m.valid = m.validations.WithLabelValues(outcomeValid)
	m.invalid = m.validations.WithLabelValues(outcomeInvalid)
	m.unresolved = m.validations.WithLabelValues(outcomeUnresolved)
	m.registry.MustRegister(
		m.requests, m.duration, m.validations,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	if res != nil {
		stat := func(pick func(resolver.Stats) uint64) func() float64 {
			return func() float64 { return float64(pick(res.Stats())) }
		}
		m.registry.MustRegister(
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Namespace: "lexval", Subsystem: "resolver", Name: "cache_hits_total",
				Help: "Schema record lookups answered from the resolver's cache.",
			}, stat(func(s resolver.Stats) uint64 { return s.CacheHits })),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Namespace: "lexval", Subsystem: "resolver", Name: "cache_misses_total",
				Help: "Schema record lookups the resolver's cache could not answer.",
			}, stat(func(s resolver.Stats) uint64 { return s.CacheMisses })),
			prometheus.NewCounterFunc(prometheus.CounterOpts{
				Namespace: "lexval", Subsystem: "resolver", Name: "fetch_errors_total",
				Help: "Network fetches (DNS, PLC, PDS) that failed.",
			}, stat(func(s resolver.Stats) uint64 { return s.FetchErrors })),
		)
	}
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

func (m *metrics) observeRequest(route, method string, status int, elapsed time.Duration) {
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(elapsed.Seconds())
}

// observeResult counts one validation by outcome; unresolved is the number
// of references left unresolved.
func (m *metrics) observeResult(valid bool, unresolved int) {
	switch {
	case !valid:
		m.invalid.Inc()
	case unresolved > 0:
		m.unresolved.Inc()
	default:
		m.valid.Inc()
	}
}
