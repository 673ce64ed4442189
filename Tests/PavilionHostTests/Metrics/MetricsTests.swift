import PavilionHost
import XCTest

final class MetricsTests: XCTestCase {
    func testCountersHistogramsAndGaugesRenderInTheTextFormat() {
        let metrics = Metrics()
        metrics.counter("pv_requests_total", help: "Requests.\nSecond line with \\ backslash.", labels: ["route", "status"])
        metrics.histogram("pv_latency_seconds", help: "Latency.", labels: ["route"], buckets: [0.1, 0.5, 1])
        metrics.gauge("pv_open", help: "Open.") { [([], 3)] }
        metrics.increment("pv_requests_total", ["/a", "200"])
        metrics.increment("pv_requests_total", ["/a", "200"])
        metrics.increment("pv_requests_total", ["/b\"x\n", "500"], by: 0.5)
        metrics.increment("pv_requests_total", ["wrong arity"])
        metrics.observe("pv_latency_seconds", ["/a"], 0.05)
        metrics.observe("pv_latency_seconds", ["/a"], 0.7)
        metrics.observe("pv_latency_seconds", ["/a"], 12)
        XCTAssertEqual(metrics.render(), """
            # HELP pv_requests_total Requests.\\nSecond line with \\\\ backslash.
            # TYPE pv_requests_total counter
            pv_requests_total{route="/a",status="200"} 2
            pv_requests_total{route="/b\\"x\\n",status="500"} 0.5
            # HELP pv_latency_seconds Latency.
            # TYPE pv_latency_seconds histogram
            pv_latency_seconds_bucket{route="/a",le="0.1"} 1
            pv_latency_seconds_bucket{route="/a",le="0.5"} 1
            pv_latency_seconds_bucket{route="/a",le="1"} 2
            pv_latency_seconds_bucket{route="/a",le="+Inf"} 3
            pv_latency_seconds_sum{route="/a"} 12.75
            pv_latency_seconds_count{route="/a"} 3
            # HELP pv_open Open.
            # TYPE pv_open gauge
            pv_open 3

            """)
        XCTAssertEqual(metrics.value("pv_requests_total", ["/a", "200"]), 2)
    }

    func testEverySampleLineHasAValidNameAndNumber() {
        let metrics = Metrics()
        metrics.histogram("pv_h", help: "h", labels: ["l"])
        metrics.observe("pv_h", ["x"], 0.003)
        for line in metrics.render().split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            XCTAssertEqual(parts.count, 2, String(line))
            XCTAssertNotNil(Double(parts[1]), String(line))
            XCTAssertTrue(parts[0].range(of: #"^[a-zA-Z_:][a-zA-Z0-9_:]*(\{[a-zA-Z_][a-zA-Z0-9_]*="[^"]*"(,[a-zA-Z_][a-zA-Z0-9_]*="[^"]*")*\})?$"#,
                                         options: .regularExpression) != nil, String(line))
        }
    }
}
