import Foundation
import PavilionCrypto
import PavilionTestSupport
import XCTest

final class DigestTests: XCTestCase {
    private func vectors(_ name: String) throws -> [[String: Any]] {
        let data = try Data(contentsOf: TestEnvironment.fixtures("crypto").appendingPathComponent(name))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    }

    func testSHA256MatchesFIPS180Examples() throws {
        for v in try vectors("sha256-fips180.json") {
            let message = try XCTUnwrap(v["message"] as? String)
            XCTAssertEqual(SHA256.hex(Array(message.utf8)), v["digest"] as? String, message)
        }
    }

    func testOneShotDigestsMatchFIPS180Examples() throws {
        for v in try vectors("sha2-fips180.json") {
            let message = try XCTUnwrap(v["message"] as? String)
            let algorithm = try XCTUnwrap(DigestAlgorithm(rawValue: try XCTUnwrap(v["algorithm"] as? String)))
            let digest = algorithm.hash(Array(message.utf8))
            XCTAssertEqual(digest.count, algorithm.outputLength)
            XCTAssertEqual(Hex.encode(digest), v["digest"] as? String, "\(algorithm) of \"\(message)\"")
        }
    }

    func testHMACSHA256MatchesRFC4231Vectors() throws {
        for v in try vectors("hmac-sha256-rfc4231.json") {
            let key = try XCTUnwrap(Hex.decode(try XCTUnwrap(v["key"] as? String)))
            let data = try XCTUnwrap(Hex.decode(try XCTUnwrap(v["data"] as? String)))
            XCTAssertEqual(Hex.encode(try HMACSHA256.authenticate(data, key: key)), v["mac"] as? String, "case \(v["case"] ?? "")")
        }
    }

    func testAPreparedHMACKeyMatchesRFC4231VectorsAgainAndAgainAndAcrossThreads() async throws {
        for v in try vectors("hmac-sha256-rfc4231.json") {
            let key = HMACSHA256.Key(try XCTUnwrap(Hex.decode(try XCTUnwrap(v["key"] as? String))))
            let data = try XCTUnwrap(Hex.decode(try XCTUnwrap(v["data"] as? String)))
            let expected = try XCTUnwrap(v["mac"] as? String)
            // The same context is re-initialised for each tag: no state may carry over.
            for _ in 0..<3 { XCTAssertEqual(Hex.encode(try key.authenticate(data)), expected, "case \(v["case"] ?? "")") }
            XCTAssertEqual(Hex.encode(try key.authenticate([UInt8]())), Hex.encode(try HMACSHA256.authenticate([UInt8](), key: try XCTUnwrap(Hex.decode(try XCTUnwrap(v["key"] as? String))))))
        }
        // Many tags at once under one key borrow several contexts; every tag is still right.
        let key = HMACSHA256.Key(Array("shared key".utf8))
        let inputs = (0..<64).map { Array("message \($0)".utf8) }
        let expected = try inputs.map { try HMACSHA256.authenticate($0, key: Array("shared key".utf8)) }
        let tags = try await withThrowingTaskGroup(of: (Int, [UInt8]).self) { group in
            for (i, input) in inputs.enumerated() { group.addTask { (i, try key.authenticate(input)) } }
            var tags = [[UInt8]](repeating: [], count: inputs.count)
            for try await (i, tag) in group { tags[i] = tag }
            return tags
        }
        XCTAssertEqual(tags, expected)
    }

    func testHexOfAnArrayAndOfAnyByteSequenceAgreeAndRoundTrip() {
        let bytes = (0..<256).map { UInt8($0) } + [0x00, 0xff, 0x0a]
        let expected = bytes.map { String(format: "%02x", $0) }.joined()
        XCTAssertEqual(Hex.encode(bytes), expected)
        XCTAssertEqual(Hex.encode(bytes[...]), expected)
        XCTAssertEqual(Hex.encode([UInt8]()), "")
        XCTAssertEqual(Hex.decode(Hex.encode(bytes)), bytes)
    }

    func testHexRefusesOddLengthAndNonHex() {
        XCTAssertNil(Hex.decode("abc"))
        XCTAssertNil(Hex.decode("zz"))
        XCTAssertEqual(Hex.decode("00fF"), [0, 255])
    }

    func testRandomBytesAreFreshEachCall() throws {
        let a = try SecureRandom.bytes(32)
        let b = try SecureRandom.bytes(32)
        XCTAssertEqual(a.count, 32)
        XCTAssertNotEqual(a, b)
    }

    func testConstantTimeEqualityComparesContentAndLength() {
        XCTAssertTrue(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        XCTAssertFalse(ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        XCTAssertFalse(ConstantTime.equal([1, 2, 3], [1, 2]))
        XCTAssertTrue(ConstantTime.equal([UInt8](), [UInt8]()))
    }

    func testWipeZeroesTheBuffer() {
        var secret: [UInt8] = [9, 9, 9]
        ConstantTime.wipe(&secret)
        XCTAssertEqual(secret, [0, 0, 0])
    }
}
