import Foundation
import PavilionCrypto
import PavilionTestSupport
import XCTest

/// The ECDSA signing path (`ECPrivateKey.signature(for:)`: one-shot hash,
/// `EVP_PKEY_sign` on a reused context, DER decoded without `BIGNUM`s) and
/// the strict DER decoder behind it.
final class ECDSASigningTests: XCTestCase {
    private let message = Array("eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJodHRwczovL2lzc3Vlci5leGFtcGxlIn0".utf8)

    func testSignaturesOfTheSameMessageAreRandomisedAndAllVerify() throws {
        for curve in ECCurve.allCases {
            let key = try ECPrivateKey(curve: curve)
            var seen = Set<[UInt8]>()
            for _ in 0..<20 {
                let signature = try key.signature(for: message)
                XCTAssertEqual(signature.curve, curve)
                XCTAssertEqual(signature.rawRepresentation.count, 2 * curve.coordinateLength)
                XCTAssertTrue(key.publicKey.isValidSignature(signature, for: message), curve.rawValue)
                XCTAssertFalse(key.publicKey.isValidSignature(signature, for: message + [0]), curve.rawValue)
                seen.insert(signature.rawRepresentation)
            }
            XCTAssertEqual(seen.count, 20, "\(curve.rawValue): a signature repeated, so the nonce is not fresh")
        }
    }

    func testSignaturesWithAnExplicitDigestVerifyOnlyWithThatDigest() throws {
        let key = try ECPrivateKey(curve: .p256)
        for digest in DigestAlgorithm.allCases {
            let signature = try key.signature(for: message, digest: digest)
            XCTAssertTrue(key.publicKey.isValidSignature(signature, for: message, digest: digest), digest.rawValue)
            for other in DigestAlgorithm.allCases where other != digest {
                XCTAssertFalse(key.publicKey.isValidSignature(signature, for: message, digest: other), "\(digest) vs \(other)")
            }
        }
        // An empty message and a large one are signed too.
        XCTAssertTrue(key.publicKey.isValidSignature(try key.signature(for: [UInt8]()), for: [UInt8]()))
        let large = [UInt8](repeating: 0x5a, count: 1 << 20)
        XCTAssertTrue(key.publicKey.isValidSignature(try key.signature(for: large), for: large))
    }

    /// `openssl dgst -verify` (the OpenSSL command-line tool, a separate
    /// program reading the public key from PEM) accepts our signatures.
    func testOpenSSLCommandLineVerifiesTheSignatures() throws {
        let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
        guard FileManager.default.isExecutableFile(atPath: openssl.path) else {
            throw XCTSkip("/usr/bin/openssl is missing")
        }
        let directory = try TestEnvironment.makeTemporaryDirectory("ecdsa-signing")
        defer { try? FileManager.default.removeItem(at: directory) }
        let messageFile = directory.appendingPathComponent("message")
        try Data(message).write(to: messageFile)
        for curve in ECCurve.allCases {
            let key = try ECPrivateKey(curve: curve)
            let publicKeyFile = directory.appendingPathComponent("\(curve.rawValue).pem")
            try key.publicKey.pemRepresentation().write(to: publicKeyFile, atomically: true, encoding: .utf8)
            for round in 0..<3 {
                let signature = try key.signature(for: message)
                let signatureFile = directory.appendingPathComponent("\(curve.rawValue)-\(round).der")
                try Data(try signature.derRepresentation()).write(to: signatureFile)
                let verified = try TestEnvironment.run(openssl, ["dgst", "-\(curve.digest.rawValue.lowercased())", "-verify", publicKeyFile.path,
                                                                 "-signature", signatureFile.path, messageFile.path])
                XCTAssertEqual(verified.status, 0, "\(curve.rawValue): \(verified.stdout) \(verified.stderr)")
                XCTAssertTrue(verified.stdout.contains("Verified OK"), verified.stdout)
            }
            // A signature of another message is refused by the same command.
            let other = try key.signature(for: message + [1])
            let otherFile = directory.appendingPathComponent("\(curve.rawValue)-other.der")
            try Data(try other.derRepresentation()).write(to: otherFile)
            let refused = try TestEnvironment.run(openssl, ["dgst", "-\(curve.digest.rawValue.lowercased())", "-verify", publicKeyFile.path,
                                                            "-signature", otherFile.path, messageFile.path])
            XCTAssertNotEqual(refused.status, 0, curve.rawValue)
        }
    }

    /// More threads than the key keeps idle contexts for sign at once; every
    /// signature verifies.
    func testManyThreadsSignWithOneKey() throws {
        let key = try ECPrivateKey(curve: .p256)
        let message = self.message
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: 40) { thread in
            for index in 0..<25 {
                let text = message + Array("\(thread)-\(index)".utf8)
                do {
                    let signature = try key.signature(for: text)
                    if !key.publicKey.isValidSignature(signature, for: text) { failures.add("thread \(thread) #\(index) did not verify") }
                } catch {
                    failures.add("thread \(thread) #\(index): \(error)")
                }
            }
        }
        XCTAssertEqual(failures.all, [])
    }

    func testDERRoundTripsIncludingHighBitIntegers() throws {
        for curve in ECCurve.allCases {
            let key = try ECPrivateKey(curve: curve)
            var highBit = 0
            for _ in 0..<64 {
                let signature = try key.signature(for: message)
                // An r with its top bit set is DER-encoded with a leading zero.
                if signature.rawRepresentation[0] >= 0x80 { highBit += 1 }
                XCTAssertEqual(try ECDSASignature(derRepresentation: try signature.derRepresentation(), curve: curve), signature)
            }
            XCTAssertGreaterThan(highBit, 0, "64 signatures should include an r with its top bit set")
        }
        // Short integers are left-padded: r = 1, s = 0x80 (encoded 00 80).
        let short = try ECDSASignature(derRepresentation: [0x30, 0x07, 0x02, 0x01, 0x01, 0x02, 0x02, 0x00, 0x80], curve: .p256)
        XCTAssertEqual(short.rawRepresentation, [UInt8](repeating: 0, count: 31) + [1] + [UInt8](repeating: 0, count: 31) + [0x80])
    }

    func testMalformedDERIsRefusedWithAReason() throws {
        let r32 = [UInt8](repeating: 0x11, count: 32)
        let s32 = [UInt8](repeating: 0x22, count: 32)
        func sequence(_ content: [UInt8]) -> [UInt8] { [0x30, UInt8(content.count)] + content }
        func integer(_ bytes: [UInt8]) -> [UInt8] { [0x02, UInt8(bytes.count)] + bytes }
        let good = sequence(integer(r32) + integer(s32))
        XCTAssertNoThrow(try ECDSASignature(derRepresentation: good, curve: .p256))
        let cases: [(String, [UInt8], String)] = [
            ("empty", [], "truncated"),
            ("not a sequence", [0x31] + good.dropFirst(), "tag"),
            ("trailing byte", good + [0], "trailing"),
            ("truncated", Array(good.dropLast()), "truncated"),
            ("indefinite length", [0x30, 0x80] + integer(r32) + integer(s32) + [0, 0], "length"),
            ("non-minimal long length", [0x30, 0x81, 0x44] + integer(r32) + integer(s32), "minimally"),
            ("r not an integer", sequence([0x04, 0x20] + r32 + integer(s32)), "tag"),
            ("empty r", sequence([0x02, 0x00] + integer(s32)), "empty"),
            ("negative r", sequence(integer([0x80] + r32.dropFirst()) + integer(s32)), "negative"),
            ("superfluous zero", sequence(integer([0x00] + r32) + integer(s32)), "leading zero"),
            ("r too wide", sequence(integer([0x01] + r32) + integer(s32)), "wider"),
            ("s missing", sequence(integer(r32)), "truncated"),
            ("extra integer", sequence(integer(r32) + integer(s32) + integer([1])), "after s"),
            ("r runs past the end", sequence([0x02, 0x7f] + r32), "past the end"),
        ]
        for (name, der, expected) in cases {
            XCTAssertThrowsError(try ECDSASignature(derRepresentation: der, curve: .p256), name) { error in
                let reason = (error as? CryptoError)?.reason ?? ""
                XCTAssertTrue(reason.contains(expected), "\(name): \(reason)")
            }
        }
        // A P-384-wide integer is too wide for P-256, fine for P-384.
        let wide = sequence(integer([UInt8](repeating: 0x11, count: 48)) + integer(s32))
        XCTAssertThrowsError(try ECDSASignature(derRepresentation: wide, curve: .p256))
        XCTAssertNoThrow(try ECDSASignature(derRepresentation: wide, curve: .p384))
    }
}

/// Failure messages collected from many threads.
private final class Failures: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var messages: [String] = []

    func add(_ message: String) { lock.withLock { messages.append(message) } }
    var all: [String] { lock.withLock { messages } }
}
