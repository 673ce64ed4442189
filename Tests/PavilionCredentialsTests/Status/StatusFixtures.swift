import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionTestSupport
import XCTest

/// Loads Tests/Fixtures/status-list and makes keys for the status tests.
enum StatusFixtures {
    static func json(_ name: String) throws -> JSONValue {
        let data = try Data(contentsOf: TestEnvironment.fixtures("status-list").appendingPathComponent(name))
        return try JSONParser().parse(bytes: Array(data))
    }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            out.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return out
    }

    /// A fresh ES256 private JWK with `kid`.
    static func signingKey(_ kid: String) throws -> JWK {
        let key = try ECPrivateKey(curve: .p256)
        return JWK(.ec(key.publicKey, key), keyID: kid)
    }
}

func XCTAssertStatusError<T>(_ expression: @autoclosure () throws -> T, _ code: StatusListError.Code, _ message: String = "",
                             file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertThrowsError(try expression(), message, file: file, line: line) { error in
        guard let status = error as? StatusListError else {
            XCTFail("expected StatusListError \(code), got \(error)", file: file, line: line)
            return
        }
        XCTAssertEqual(status.code, code, "\(message) — \(status.reason)", file: file, line: line)
    }
}
