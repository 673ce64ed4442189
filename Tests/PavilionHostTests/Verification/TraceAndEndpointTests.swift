import PavilionHost
import XCTest

final class TraceAndEndpointTests: XCTestCase {
    func testTraceparentIsContinuedWithANewSpanOrStartedFresh() {
        let incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let continued = TraceContext.continuing(incoming)
        XCTAssertEqual(continued.traceID, "4bf92f3577b34da6a3ce929d0e0e4736")
        XCTAssertNotEqual(continued.spanID, "00f067aa0ba902b7")
        XCTAssertEqual(continued.description.count, 55)
        for bad in ["", "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01", "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                    "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"] {
            XCTAssertNil(TraceContext.parse(bad), bad)
            XCTAssertNotEqual(TraceContext.continuing(bad).traceID, "4bf92f3577b34da6a3ce929d0e0e4736")
        }
    }

    func testEndpointURLs() throws {
        let a = try XCTUnwrap(EndpointURL("https://dp.example/api/"))
        XCTAssertEqual(a.endpoint.port, 443)
        XCTAssertEqual(a.target(for: "/v1/match"), "/api/v1/match")
        let b = try XCTUnwrap(EndpointURL("http://[::1]:8080"))
        XCTAssertEqual(b.endpoint.host, "::1")
        XCTAssertEqual(b.endpoint.port, 8080)
        for bad in ["ftp://x", "http://", "http://h:0", "http://h:99999", "http://u@h", "http://h/?q=1", "http://h:port"] {
            XCTAssertNil(EndpointURL(bad), bad)
        }
    }
}
