package server

import (
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/lexval/lexval/resolver"
	"github.com/lexval/lexval/tap"
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
	undelivered prometheus.Counter
	// One counter per outcome, looked up once rather than per value.
	valid, invalid, unresolved prometheus.Counter

	// series holds the request series of each route (and of unmatched
	// requests, by method), so that a request costs no label lookup. It is
	// filled before the server serves and only read after.
	series map[routeKey]*routeSeries
}

// routeKey names a route: its method and pattern.
type routeKey struct{ method, route string }

// routeSeries are one route's series: its latency histogram and its request
// counter per status, looked up once each.
type routeSeries struct {
	route, method string
	duration      prometheus.Observer
	// byStatus[status-minStatus] is the counter of that status, made on
	// first use.
	byStatus [maxStatus - minStatus]atomic.Pointer[prometheus.Counter]
}

// The statuses whose counters a route keeps ready; others are looked up.
const minStatus, maxStatus = 100, 600

func newMetrics(res *resolver.Resolver, conns *connLimiter, ingester *tap.Ingester) *metrics {
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
		undelivered: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "lexval", Subsystem: "http", Name: "responses_undelivered_total",
			Help: "Requests whose handler outlasted the connection's write timeout, so that their response (counted in requests_total by its status) was not delivered.",
		}),
		validations: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "lexval", Name: "validations_total",
			Help: "Values validated, by outcome: valid, invalid, or unresolved (valid except for references not checked).",
		}, []string{"outcome"}),
	}
	m.series = make(map[routeKey]*routeSeries)
	m.valid = m.validations.WithLabelValues(outcomeValid)
	m.invalid = m.validations.WithLabelValues(outcomeInvalid)
	m.unresolved = m.validations.WithLabelValues(outcomeUnresolved)
	m.registry.MustRegister(
		m.requests, m.duration, m.validations, m.undelivered,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	m.registry.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "lexval", Subsystem: "http", Name: "connections",
			Help: "Open HTTP connections.",
		}, func() float64 { return float64(conns.count()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "lexval", Subsystem: "http", Name: "max_connections",
			Help: "The cap on open HTTP connections; more wait to be accepted.",
		}, func() float64 { return float64(conns.max) }),
	)
	if res != nil {
		stat := func(pick func(resolver.Stats) uint64) func() float64 { return statFunc(res.Stats, pick) }
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
	if ingester != nil {
		m.registry.MustRegister(tapCollectors(ingester)...)
	}
	return m
}

// statFunc reads one counter of a set of stats when scraped.
func statFunc[S any](stats func() S, pick func(S) uint64) func() float64 {
	return func() float64 { return float64(pick(stats())) }
}

// tapCollectors read the Tap ingester's counters when scraped.
func tapCollectors(in *tap.Ingester) []prometheus.Collector {
	stat := func(pick func(tap.Stats) uint64) func() float64 { return statFunc(in.Stats, pick) }
	events := func(outcome string, pick func(tap.Stats) uint64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "lexval", Subsystem: "tap", Name: "events_total",
			Help:        "Tap events by outcome: stored (a new version), seen (stored already), deleted, ignored (identity events, other collections), cid_mismatch and invalid (refused, acknowledged).",
			ConstLabels: prometheus.Labels{"outcome": outcome},
		}, stat(pick))
	}
	return []prometheus.Collector{
		events("stored", func(s tap.Stats) uint64 { return s.Stored }),
		events("seen", func(s tap.Stats) uint64 { return s.Seen }),
		events("deleted", func(s tap.Stats) uint64 { return s.Deleted }),
		events("ignored", func(s tap.Stats) uint64 { return s.Ignored }),
		events("cid_mismatch", func(s tap.Stats) uint64 { return s.CIDMismatches }),
		events("invalid", func(s tap.Stats) uint64 { return s.Invalid }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "lexval", Subsystem: "tap", Name: "acks_total",
			Help: "Tap events acknowledged, each once what it says was committed.",
		}, stat(func(s tap.Stats) uint64 { return s.Acked })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "lexval", Subsystem: "tap", Name: "store_errors_total",
			Help: "Batches of Tap events the store failed to commit (left unacknowledged, delivered again).",
		}, stat(func(s tap.Stats) uint64 { return s.StoreErrors })),
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "lexval", Subsystem: "tap", Name: "connects_total",
			Help: "Connections made to Tap's /channel.",
		}, stat(func(s tap.Stats) uint64 { return s.Connects })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "lexval", Subsystem: "tap", Name: "connected",
			Help: "1 while connected to Tap.",
		}, func() float64 {
			if in.Stats().Connected {
				return 1
			}
			return 0
		}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "lexval", Subsystem: "tap", Name: "lag_seconds",
			Help: "How far behind the firehose the last live Tap event committed was: now less the time of its revision.",
		}, func() float64 { return in.Stats().Lag(time.Now()).Seconds() }),
	}
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// addRoute makes the series of a route (or of unmatched requests) ahead of
// the requests, before the server serves.
func (m *metrics) addRoute(method, route string) *routeSeries {
	k := routeKey{method, route}
	if rs, ok := m.series[k]; ok {
		return rs
	}
	rs := &routeSeries{route: route, method: method, duration: m.duration.WithLabelValues(route, method)}
	m.series[k] = rs
	return rs
}

func (m *metrics) observeRequest(rs *routeSeries, status int, elapsed time.Duration) {
	rs.counter(m, status).Inc()
	rs.duration.Observe(elapsed.Seconds())
}

func (rs *routeSeries) counter(m *metrics, status int) prometheus.Counter {
	if status < minStatus || status >= maxStatus {
		return m.requests.WithLabelValues(rs.route, rs.method, strconv.Itoa(status))
	}
	slot := &rs.byStatus[status-minStatus]
	if c := slot.Load(); c != nil {
		return *c
	}
	c := m.requests.WithLabelValues(rs.route, rs.method, strconv.Itoa(status))
	slot.Store(&c) // a race stores the same counter twice
	return c
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
