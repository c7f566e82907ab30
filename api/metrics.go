package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"casebank/corpus"
	"casebank/corpus/app"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own (a
// test runs many servers in one process).
type metrics struct {
	registry      *prometheus.Registry
	requests      *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	searches      *prometheus.CounterVec
	searchSeconds *prometheus.HistogramVec
}

var latencyBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}

func (s *Server) newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "casebank_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "casebank_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route pattern and method.",
			Buckets: latencyBuckets,
		}, []string{"route", "method"}),
		// Searches whichever front end asks, the API or the search page.
		searches: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "casebank_searches_total", Help: "Searches by front end (api, ui) and how they were answered (all_words, relaxed, corrected, no_match, browse, error).",
		}, []string{"source", "tier"}),
		searchSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "casebank_search_duration_seconds", Help: "Time to search (understanding, engine, reading the page's records), by front end.",
			Buckets: latencyBuckets,
		}, []string{"source"}),
	}
	if s.App != nil { // nil in a test that only lists the routes
		s.App.ObserveSearches(func(ev app.SearchEvent) {
			m.searches.WithLabelValues(ev.Source, ev.Tier).Inc()
			m.searchSeconds.WithLabelValues(ev.Source).Observe(ev.Took.Seconds())
		})
	}
	m.registry.MustRegister(m.requests, m.duration, m.searches, m.searchSeconds,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		healthCollector{s},
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "casebank_store_bytes", Help: "Size of the store file."},
			func() float64 { return float64(s.App.StoreSize()) }),
	)
	return m
}

var (
	recordsDesc  = prometheus.NewDesc("casebank_records", "Records the index holds, by kind (case, policy).", []string{"kind"}, nil)
	logSeqDesc   = prometheus.NewDesc("casebank_store_log_seq", "The store's newest change-log sequence.", nil, nil)
	indexSeqDesc = prometheus.NewDesc("casebank_index_seq", "The newest change the index applied.", nil, nil)
	lagDesc      = prometheus.NewDesc("casebank_index_lag", "Changes the index is behind the store (log_seq - index_seq).", nil, nil)
)

// healthCollector reads the store's and the index's figures once a scrape.
type healthCollector struct{ s *Server }

func (h healthCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{recordsDesc, logSeqDesc, indexSeqDesc, lagDesc} {
		ch <- d
	}
}

func (h healthCollector) Collect(ch chan<- prometheus.Metric) {
	f, err := h.s.App.Health(context.Background())
	if err != nil {
		for _, d := range []*prometheus.Desc{recordsDesc, logSeqDesc, indexSeqDesc, lagDesc} {
			ch <- prometheus.NewInvalidMetric(d, err)
		}
		return
	}
	ch <- prometheus.MustNewConstMetric(recordsDesc, prometheus.GaugeValue, float64(f.Cases), corpus.KindCase)
	ch <- prometheus.MustNewConstMetric(recordsDesc, prometheus.GaugeValue, float64(f.Policies), corpus.KindPolicy)
	ch <- prometheus.MustNewConstMetric(logSeqDesc, prometheus.GaugeValue, float64(f.LogSeq))
	ch <- prometheus.MustNewConstMetric(indexSeqDesc, prometheus.GaugeValue, float64(f.IndexSeq))
	ch <- prometheus.MustNewConstMetric(lagDesc, prometheus.GaugeValue, float64(f.Lag()))
}

// searchSource names the front end of a request's searches: the API under
// /api/, else the pages that share this echo instance.
func searchSource(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		source := "ui"
		if strings.HasPrefix(c.Request().URL.Path, "/api/") {
			source = "api"
		}
		c.SetRequest(c.Request().WithContext(app.WithSearchSource(c.Request().Context(), source)))
		return next(c)
	}
}

// observe counts one answered request. The route is echo's pattern
// (/api/v1/cases/:id), so that ids do not multiply the series; a path no
// route serves counts as "unmatched".
func (m *metrics) observe(c echo.Context, method string, status int, took time.Duration) {
	route := c.Path()
	if route == "" {
		route = "unmatched"
	}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
	default:
		method = "other" // anyone may send any method name: a label each would grow without bound
	}
	m.requests.WithLabelValues(route, method, strconv.Itoa(status)).Inc()
	m.duration.WithLabelValues(route, method).Observe(took.Seconds())
}

func (m *metrics) handler() echo.HandlerFunc {
	h := promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
	return func(c echo.Context) error {
		h.ServeHTTP(c.Response(), c.Request())
		return nil
	}
}
