@testable import PavilionCredentials
import XCTest

/// The zlib wrapper: raw DEFLATE, ZLIB and GZIP round trips, and refusals.
final class CompressionTests: XCTestCase {
    private let sample: [UInt8] = Array(repeating: 0, count: 10_000) + Array("pavilion".utf8) + Array(repeating: 0xFF, count: 3_000)

    func testEachFormatRoundTrips() throws {
        for format in [Zlib.Format.raw, .zlib, .gzip] {
            let packed = try Zlib.deflate(sample, format: format)
            XCTAssertLessThan(packed.count, 200, "\(format)")
            XCTAssertEqual(try Zlib.inflate(packed, format: format, maximumOutput: 1 << 20), sample, "\(format)")
        }
    }

    func testFormatsCarryTheirHeaders() throws {
        XCTAssertEqual(try Zlib.deflate(sample, format: .zlib).first, 0x78)  // RFC 1950 CMF: deflate, 32K window
        XCTAssertEqual(Array(try Zlib.deflate(sample, format: .gzip).prefix(2)), [0x1F, 0x8B])  // RFC 1952 magic
        let raw = try Zlib.deflate(sample, format: .raw)
        XCTAssertThrowsError(try Zlib.inflate(raw, format: .zlib, maximumOutput: 1 << 20), "raw DEFLATE has no ZLIB header")
    }

    func testDecompressionBombIsRefused() throws {
        let bomb = try Zlib.deflate([UInt8](repeating: 0, count: 4 << 20), format: .zlib)
        XCTAssertLessThan(bomb.count, 8_000)
        XCTAssertThrowsError(try Zlib.inflate(bomb, format: .zlib, maximumOutput: 1 << 20)) { error in
            XCTAssertTrue((error as? Zlib.Failure)?.reason.contains("exceeds the limit") ?? false, "\(error)")
        }
        XCTAssertStatusError(try Zlib.decompress(bomb, format: .zlib, limit: 1 << 20), .tooLarge)
    }

    func testTruncatedStreamIsRefused() throws {
        let packed = try Zlib.deflate(sample, format: .zlib)
        XCTAssertStatusError(try Zlib.decompress(Array(packed.dropLast(5)), format: .zlib, limit: 1 << 20), .compression)
        XCTAssertStatusError(try Zlib.decompress([], format: .gzip, limit: 1 << 20), .compression)
    }

    func testTrailingBytesAreRefused() throws {
        let packed = try Zlib.deflate(sample, format: .zlib) + [0x00]
        XCTAssertStatusError(try Zlib.decompress(packed, format: .zlib, limit: 1 << 20), .compression)
    }

    func testGarbageIsRefused() {
        XCTAssertStatusError(try Zlib.decompress(Array("not compressed at all".utf8), format: .zlib, limit: 1 << 20), .compression)
        XCTAssertStatusError(try Zlib.decompress(Array("not compressed at all".utf8), format: .gzip, limit: 1 << 20), .compression)
    }
}
