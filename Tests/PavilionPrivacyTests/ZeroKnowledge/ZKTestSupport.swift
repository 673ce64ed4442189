import PavilionCrypto
import PavilionPrivacy
import XCTest

/// Shared helpers for the zero-knowledge tests.
enum ZKTestSupport {
    static let context = Array("nonce=5f1c9a;aud=https://rp.example".utf8)
    static let otherContext = Array("nonce=77e0b2;aud=https://rp.example".utf8)

    static func assertCode(_ code: ZKError.Code, _ label: String, file: StaticString = #filePath, line: UInt = #line,
                           _ body: () throws -> Void) {
        XCTAssertThrowsError(try body(), label, file: file, line: line) { error in
            XCTAssertEqual((error as? ZKError)?.code, code, "\(label): \(error)", file: file, line: line)
        }
    }

    /// A uniformly random point, as a stand-in for an altered commitment.
    static func randomPoint(_ parameters: ZKParameters) throws -> ECPoint {
        try parameters.group.generatorMultiplied(by: ECScalar.random(in: parameters.group))
    }

    static func plusOne(_ scalar: ECScalar) throws -> ECScalar {
        try scalar.adding(ECScalar(1, in: scalar.group))
    }

    /// Encodings every point reader must refuse.
    static func badPoints(_ parameters: ZKParameters) throws -> [[UInt8]] {
        let good = try parameters.g.sec1()
        return [[], [0x00], Array(good.dropLast()), good + [0x00], try parameters.g.sec1(compressed: false),
                [0x02] + [UInt8](repeating: 0xFF, count: 32), [0x05] + good.dropFirst()]
    }

    /// 32 bytes ≥ n: all-ones.
    static let scalarAboveOrder = [UInt8](repeating: 0xFF, count: 32)
}
