import Foundation
import PavilionCore
import PavilionCredentials
import PavilionTestSupport
import XCTest

/// Loads the vectors in Tests/Fixtures/vc-di.
enum VCDIFixtures {
    static func bytes(_ path: String) throws -> [UInt8] {
        Array(try Data(contentsOf: TestEnvironment.fixtures("vc-di").appendingPathComponent(path)))
    }

    static func json(_ path: String) throws -> JSONValue { try JSONParser().parse(bytes: bytes(path)) }

    /// A text file without its trailing newline.
    static func text(_ path: String) throws -> String {
        String(decoding: try bytes(path), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A did:web fetcher serving documents from memory: the thin seam where the
/// host's HTTP client plugs in.
struct FixtureDIDWebFetcher: DIDWebFetcher {
    struct NotFound: Error, CustomStringConvertible {
        let url: String
        var description: String { "404 for \(url)" }
    }

    let documents: [String: [UInt8]]

    func fetch(_ url: String) async throws -> [UInt8] {
        guard let body = documents[url] else { throw NotFound(url: url) }
        return body
    }
}

func XCTAssertDIDError<T>(_ expression: @autoclosure () throws -> T, _ code: DIDError.Code, _ message: String = "",
                          file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try expression(), message, file: file, line: line) { error in
        XCTAssertEqual((error as? DIDError)?.code, code, "\(message) — \(error)", file: file, line: line)
    }
}

func XCTAssertDIDErrorAsync<T>(_ expression: () async throws -> T, _ code: DIDError.Code, _ message: String = "",
                               file: StaticString = #filePath, line: UInt = #line) async {
    do {
        _ = try await expression()
        XCTFail("expected DIDError \(code) — \(message)", file: file, line: line)
    } catch {
        XCTAssertEqual((error as? DIDError)?.code, code, "\(message) — \(error)", file: file, line: line)
    }
}
