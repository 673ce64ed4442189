import PavilionCore
import PavilionHost
import XCTest

final class LoggerTests: XCTestCase {
    /// The line the logger wrote, with `ts` checked and replaced by a fixed value.
    private func line(_ sink: MemoryLogSink) throws -> String {
        let text = try XCTUnwrap(sink.lines.last)
        let value = try JSONParser().parse(text)
        let ts = try XCTUnwrap(value["ts"]?.stringValue)
        XCTAssertTrue(ts.hasSuffix("Z"), ts)
        return text.replacingOccurrences(of: ts, with: "TS")
    }

    func testALineIsOneJSONObjectWithSortedKeys() throws {
        let sink = MemoryLogSink()
        let logger = Logger(level: .info, sink: sink, metadata: ["component": "api"])
        logger.info("request", ["status": .int(200), "route": "/v1/verifications", "duration_ms": .double(1.5)])
        let expected: JSONValue = ["ts": "TS", "level": "info", "msg": "request", "component": "api", "status": .int(200),
                                   "route": "/v1/verifications", "duration_ms": .double(1.5)]
        XCTAssertEqual(try line(sink), expected.serialized)
    }

    func testFieldsOverrideMetadataAndTheMessageOverridesFields() throws {
        let sink = MemoryLogSink()
        let logger = Logger(level: .debug, sink: sink, metadata: ["component": "api", "tenant": "meta"])
        logger.warn("real", ["tenant": "field", "msg": "fake", "level": "fake"])
        let expected: JSONValue = ["ts": "TS", "level": "warn", "msg": "real", "component": "api", "tenant": "field"]
        XCTAssertEqual(try line(sink), expected.serialized)
    }

    func testNonASCIIKeysAreOrderedAsJSONValueOrdersThem() throws {
        let sink = MemoryLogSink()
        let logger = Logger(level: .info, sink: sink)
        logger.info("m", ["\u{FF21}": "fullwidth", "\u{1F600}": "emoji", "a": "ascii"])
        let expected: JSONValue = ["ts": "TS", "level": "info", "msg": "m", "\u{FF21}": "fullwidth", "\u{1F600}": "emoji", "a": "ascii"]
        XCTAssertEqual(try line(sink), expected.serialized)
    }

    func testTheListFormWritesTheSameLineAsTheDictionaryForm() throws {
        let sink = MemoryLogSink()
        let logger = Logger(level: .info, sink: sink, metadata: ["component": "api", "tenant": "meta", "msg": "meta"])
        let fields: [(key: String, value: JSONValue)] = [("tenant", "field"), ("status", .int(200)), ("level", "fake"),
                                                         ("\u{1F600}", "emoji"), ("duration_ms", .double(0.25))]
        logger.log(.info, "request", fields: fields)
        let listLine = try line(sink)
        logger.log(.info, "request", Dictionary(uniqueKeysWithValues: fields.map { ($0.key, $0.value) }))
        XCTAssertEqual(listLine, try line(sink))
        let expected: JSONValue = ["ts": "TS", "level": "info", "msg": "request", "component": "api", "tenant": "field",
                                   "status": .int(200), "\u{1F600}": "emoji", "duration_ms": .double(0.25)]
        XCTAssertEqual(listLine, expected.serialized)
        Logger(level: .warn, sink: sink).log(.info, "quiet", fields: fields)
        XCTAssertEqual(sink.lines.count, 2)
    }

    func testLinesBelowTheLevelAreDropped() {
        let sink = MemoryLogSink()
        Logger(level: .warn, sink: sink).info("quiet")
        XCTAssertTrue(sink.lines.isEmpty)
    }
}
