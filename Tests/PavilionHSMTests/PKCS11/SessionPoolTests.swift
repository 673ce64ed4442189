import Foundation
@testable import PavilionHSM
import XCTest

/// Many threads signing through one token's bounded session pool.
final class SessionPoolTests: XCTestCase {
    func testEightThreadsSignConcurrentlyThroughABoundedPool() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let token = try hsm.openToken(sessions: 3)
        let signer = try HSMSigner.generate(in: token, label: "issuer-es256", algorithm: .es256)
        let results = Results()
        let threads = 8, perThread = 12
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for round in 0..<perThread {
                let message = Array("thread \(thread) round \(round)".utf8)
                do {
                    results.add(message, try signer.sign(message))
                } catch {
                    results.fail("\(error)")
                }
            }
        }
        XCTAssertEqual(results.failures, [])
        XCTAssertEqual(results.signatures.count, threads * perThread)
        let statistics = token.pool.statistics
        XCTAssertLessThanOrEqual(statistics.peak, 3, "never more sessions than the bound")
        XCTAssertGreaterThan(statistics.peak, 0)
        // Check one signature per thread with openssl (each call spawns a process).
        for thread in 0..<threads {
            let message = Array("thread \(thread) round 0".utf8)
            let signature = try XCTUnwrap(results.signatures[message])
            XCTAssertTrue(try OpenSSLCLI.verifies(der: ECDSASignature.der(fromRaw: signature), of: message,
                                                  publicKey: signer.publicKey, in: hsm.directory))
        }
    }

    func testClosingOneTokenLeavesAnotherOnTheSameTokenLoggedIn() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let keeper = try hsm.openToken()
        let signer = try HSMSigner.generate(in: keeper, label: "issuer-es256", algorithm: .es256)
        do {
            let other = try hsm.openToken()
            XCTAssertNoThrow(try HSMSigner(token: other, label: "issuer-es256").sign([1]))
        }
        // `other` is gone with its sessions; the login `keeper` relies on is not.
        XCTAssertEqual(try signer.sign([2]).count, 64)
    }

    func testExhaustedPoolTimesOut() throws {
        let hsm = try SoftHSMFixture()
        defer { hsm.remove() }
        let module = try PKCS11Module(path: SoftHSMFixture.modulePath)
        var pin = Array(hsm.pin.utf8)
        let token = try module.openToken(labeled: hsm.tokenLabel, pin: &pin, sessions: 1, checkoutTimeout: .milliseconds(50))
        try token.pool.withSession { (_) throws(PKCS11Error) in
            // The only session is out: a second checkout must give up, not hang.
            XCTAssertThrowsError(try token.pool.withSession { (_) throws(PKCS11Error) in }) { error in
                XCTAssertEqual((error as? PKCS11Error)?.code, .sessionPoolExhausted)
            }
        }
        // Returned: usable again.
        XCTAssertNoThrow(try token.pool.withSession { (_) throws(PKCS11Error) in })
    }
}

private final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private var _signatures: [[UInt8]: [UInt8]] = [:]
    private var _failures: [String] = []
    func add(_ message: [UInt8], _ signature: [UInt8]) { lock.withLock { _signatures[message] = signature } }
    func fail(_ reason: String) { lock.withLock { _failures.append(reason) } }
    var signatures: [[UInt8]: [UInt8]] { lock.withLock { _signatures } }
    var failures: [String] { lock.withLock { _failures } }
}
