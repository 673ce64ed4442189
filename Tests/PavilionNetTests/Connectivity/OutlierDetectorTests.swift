import PavilionNet
import XCTest

final class ConnectivityOutlierDetectorTests: XCTestCase {
    private var clock = ManualClock()
    private let config = OutlierDetector.Configuration(consecutiveErrors: 3, baseEjectionMs: 1_000, maxEjectionMs: 5_000,
                                                       maxEjectedPercent: 50)

    private func fail(_ d: inout OutlierDetector, _ endpoint: String, times: Int,
                      _ outcome: OutlierDetector.Outcome = .serverError) -> [OutlierDetector.Event] {
        (0..<times).flatMap { _ in d.recorded(outcome, endpoint: endpoint, now: clock.now) }
    }

    func testConsecutiveServerErrorsAndTimeoutsEject() {
        var d = OutlierDetector(endpoints: ["a", "b", "c", "d"], configuration: config)
        XCTAssertEqual(fail(&d, "a", times: 2), [])
        XCTAssertEqual(d.recorded(.timeout, endpoint: "a", now: clock.now),
                       [.ejected(endpoint: "a", until: clock.now + 1_000, ejections: 1)])
        XCTAssertEqual(d.ejected(now: clock.now), ["a"])
    }

    func testReadmitBringsAnEjectedEndpointBackAtOnceAndKeepsItsCount() {
        var d = OutlierDetector(endpoints: ["a", "b", "c", "d"], configuration: config)
        _ = fail(&d, "a", times: 3)
        XCTAssertEqual(d.readmit("a", now: clock.now), .readmitted(endpoint: "a", at: clock.now))
        XCTAssertEqual(d.ejected(now: clock.now), [])
        XCTAssertNil(d.readmit("a", now: clock.now), "already in")
        XCTAssertNil(d.readmit("nope", now: clock.now), "unknown endpoint")
        // The next ejection is the second: twice the base.
        XCTAssertEqual(fail(&d, "a", times: 3), [.ejected(endpoint: "a", until: clock.now + 2_000, ejections: 2)])
    }

    func testASuccessResetsTheRunButAClientErrorDoesNot() {
        var d = OutlierDetector(endpoints: ["a", "b"], configuration: config)
        _ = fail(&d, "a", times: 2)
        _ = d.recorded(.success, endpoint: "a", now: clock.now)
        XCTAssertEqual(fail(&d, "a", times: 2), [])
        _ = d.recorded(.clientError, endpoint: "a", now: clock.now)
        XCTAssertEqual(fail(&d, "a", times: 1).count, 1, "4xx neither resets nor counts")
    }

    func testAnEjectedEndpointIsReadmittedWhenItsTimeIsUp() {
        var d = OutlierDetector(endpoints: ["a", "b"], configuration: config)
        _ = fail(&d, "a", times: 3)
        clock.advance(by: 999)
        XCTAssertEqual(d.advance(to: clock.now), [])
        clock.advance(by: 1)
        XCTAssertEqual(d.advance(to: clock.now), [.readmitted(endpoint: "a", at: clock.now)])
        XCTAssertEqual(d.ejected(now: clock.now), [])
    }

    func testEjectionTimeGrowsPerRepeatUpToTheMaximum() {
        var d = OutlierDetector(endpoints: ["a", "b"], configuration: config)
        var durations: [Int64] = []
        for _ in 0..<7 {
            let events = fail(&d, "a", times: 3)
            guard case .ejected(_, let until, _)? = events.last else { return XCTFail("not ejected: \(events)") }
            durations.append(until - clock.now)
            clock.advance(by: until - clock.now)
            _ = d.advance(to: clock.now)
        }
        XCTAssertEqual(durations, [1_000, 2_000, 3_000, 4_000, 5_000, 5_000, 5_000])
    }

    func testALongHealthyStretchForgetsPastEjections() {
        var d = OutlierDetector(endpoints: ["a", "b"], configuration: config)
        _ = fail(&d, "a", times: 3)
        clock.advance(by: 1_000)
        _ = d.advance(to: clock.now)
        clock.advance(by: 5_000)
        XCTAssertEqual(fail(&d, "a", times: 3), [.ejected(endpoint: "a", until: clock.now + 1_000, ejections: 1)])
    }

    func testTheCapKeepsHalfTheEndpointsIn() {
        var d = OutlierDetector(endpoints: ["a", "b", "c", "d"], configuration: config)
        XCTAssertEqual(d.maxEjected, 2)
        _ = fail(&d, "a", times: 3)
        _ = fail(&d, "b", times: 3)
        XCTAssertEqual(fail(&d, "c", times: 3), [.ejectionSkipped(endpoint: "c", at: clock.now)])
        XCTAssertEqual(d.ejected(now: clock.now), ["a", "b"])
    }

    func testTheLastEndpointIsNeverEjected() {
        var d = OutlierDetector(endpoints: ["only"], configuration: .init(consecutiveErrors: 1, maxEjectedPercent: 100))
        XCTAssertEqual(d.maxEjected, 0)
        XCTAssertEqual(d.recorded(.timeout, endpoint: "only", now: clock.now), [.ejectionSkipped(endpoint: "only", at: clock.now)])
        var two = OutlierDetector(endpoints: ["a", "b"], configuration: .init(consecutiveErrors: 1, maxEjectedPercent: 100))
        XCTAssertEqual(two.maxEjected, 1)
        _ = two.recorded(.timeout, endpoint: "a", now: clock.now)
        XCTAssertEqual(two.recorded(.timeout, endpoint: "b", now: clock.now), [.ejectionSkipped(endpoint: "b", at: clock.now)])
    }

    func testUnknownEndpointsAreIgnored() {
        var d = OutlierDetector(endpoints: ["a", "b"], configuration: .init(consecutiveErrors: 1))
        XCTAssertEqual(d.recorded(.timeout, endpoint: "zzz", now: clock.now), [])
        XCTAssertEqual(d.ejected(now: clock.now), [])
    }
}
