package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own (a
// test runs many servers in one process).
type metrics struct {
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func (s *Server) newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "casebank_http_requests_total", Help: "HTTP requests by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "casebank_http_request_duration_seconds", Help: "Time to answer an HTTP request, by route pattern and method.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
	}
	health := func(read func(h healthFigures) float64) func() float64 {
		return func() float64 {
			h, err := s.App.Health()
			if err != nil {
				return -1
			}
			return read(healthFigures{float64(h.Cases), float64(h.LogSeq), float64(h.IndexSeq), float64(h.Lag())})
		}
	}
	m.registry.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "casebank_records", Help: "Records (cases and policies) the index holds."},
			health(func(h healthFigures) float64 { return h.records })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "casebank_store_log_seq", Help: "The store's newest change-log sequence."},
			health(func(h healthFigures) float64 { return h.logSeq })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "casebank_index_seq", Help: "The newest change the index applied."},
			health(func(h healthFigures) float64 { return h.indexSeq })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "casebank_index_lag", Help: "Changes the index is behind the store (log_seq - index_seq)."},
			health(func(h healthFigures) float64 { return h.lag })),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "casebank_store_bytes", Help: "Size of the store file."},
			func() float64 { return float64(s.App.StoreSize()) }),
	)
	return m
}

type healthFigures struct{ records, logSeq, indexSeq, lag float64 }

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
