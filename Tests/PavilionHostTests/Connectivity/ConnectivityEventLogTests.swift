import Foundation
import PavilionCore
@testable import PavilionHost
import XCTest

final class ConnectivityEventLogTests: XCTestCase {
    func testEventsAreLoggedAsJSONLinesAndKeptInOrder() throws {
        let sink = MemoryLogSink()
        let log = ConnectivityEventLog(logger: Logger(sink: sink), capacity: 8)
        log.record("failover", ["connector": "echo", "region": "eu-central"])
        log.record("breaker", ["connector": "echo", "endpoint": "https://a", "to": "open"])
        let events = log.events()
        XCTAssertEqual(events.map(\.event), ["failover", "breaker"])
        XCTAssertEqual(events.map(\.sequence), [0, 1])
        XCTAssertEqual(events[0].json["region"]?.stringValue, "eu-central")
        XCTAssertEqual(sink.lines.count, 2)
        let line = try JSONParser().parse(try XCTUnwrap(sink.lines.first))
        XCTAssertEqual(line["msg"]?.stringValue, "connectivity")
        XCTAssertEqual(line["event"]?.stringValue, "failover")
    }

    func testTheRingKeepsTheNewestAndFiltersByTime() {
        let log = ConnectivityEventLog(logger: Logger(sink: MemoryLogSink()), capacity: 3)
        for i in 0..<5 { log.record("retry", ["attempt": .int(Int64(i))]) }
        XCTAssertEqual(log.events().map(\.sequence), [2, 3, 4])
        XCTAssertEqual(log.events(limit: 1).map(\.sequence), [4])
        XCTAssertEqual(log.events(limit: 0), [])
        XCTAssertEqual(log.events(since: Date().addingTimeInterval(60)), [])
        XCTAssertEqual(log.events(since: Date(timeIntervalSince1970: 0)).count, 3)
    }

    func testSinceAcceptsRFC3339AndUnixSecondsOnly() {
        XCTAssertEqual(HostAPI.parseSince("0"), Date(timeIntervalSince1970: 0))
        XCTAssertNotNil(HostAPI.parseSince("2026-11-25T10:00:00Z"))
        XCTAssertNotNil(HostAPI.parseSince("2026-11-25T10:00:00.123Z"))
        XCTAssertNil(HostAPI.parseSince("yesterday"))
        XCTAssertNil(HostAPI.parseSince("-5"))
        XCTAssertNil(HostAPI.parseSince("nan"))
    }
}
