import Foundation
import PavilionCrypto
import PavilionTestSupport
import XCTest
@testable import PavilionPrivacy

/// Tampered and malformed messages are refused in both directions.
final class PSITamperingTests: XCTestCase {
    private var directory: URL!
    private var server: PSIServer!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory("psi-tamper")
        let path = directory.appendingPathComponent("dp.txt").path
        try Data("alice\nbob\ncarol\n".utf8).write(to: URL(fileURLWithPath: path))
        server = PSIServer(set: try PSIServerSet.prepare(setPath: path, mode: .intersection))
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func assertRefused(_ code: PSIError.Code, _ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { XCTAssertEqual(($0 as? PSIError)?.code, code, "\($0)", file: file, line: line) }
    }

    private func validPoint() throws -> [UInt8] {
        let worker = try PSIWorker()
        var out: [UInt8] = []
        try worker.encodePoint(try worker.hashToGroup(Array("x".utf8)), to: &out)
        return out
    }

    func testServerRefusesMalformedEvaluationRequests() throws {
        let point = try validPoint()
        assertRefused(.malformedMessage) { _ = try self.server.evaluate([]) }
        assertRefused(.malformedMessage) { _ = try self.server.evaluate(Array(point.dropLast())) }
        var offCurve = point
        offCurve[64] ^= 1
        assertRefused(.malformedMessage) { _ = try self.server.evaluate(offCurve) }
        var compressed = try ECPoint(sec1: point, in: ECGroup.named(.p256)).sec1(compressed: true)
        compressed += [UInt8](repeating: 0, count: 32)  // 65 bytes, but not uncompressed
        assertRefused(.malformedMessage) { _ = try self.server.evaluate(compressed) }
        assertRefused(.malformedMessage) { _ = try self.server.evaluate([UInt8](repeating: 0, count: 65)) }
        let tooMany = [UInt8]((0...PSIProtocol.maxBatch).flatMap { _ in point })
        assertRefused(.malformedMessage) { _ = try self.server.evaluate(tooMany) }
        XCTAssertEqual(try server.evaluate(point + point).count, 130, "a valid batch still passes")
    }

    func testServerRefusesPagesOutsideTheSet() throws {
        assertRefused(.malformedMessage) { _ = try self.server.page(offset: -1, count: 1) }
        assertRefused(.malformedMessage) { _ = try self.server.page(offset: 4, count: 1) }
        assertRefused(.malformedMessage) { _ = try self.server.page(offset: 0, count: PSIProtocol.maxPage + 1) }
        XCTAssertEqual(try server.page(offset: 3, count: 5), [])
        assertRefused(.refused) { _ = try self.server.openSession() }
        assertRefused(.malformedMessage) { try self.server.addToSession("nope", try self.validPoint()) }
    }

    /// A transport that lets a test rewrite the server's answers.
    private struct Tampering: PSITransport {
        let server: PSIServer
        var info: @Sendable (PSIServerInfo) -> PSIServerInfo = { $0 }
        var evaluated: @Sendable ([UInt8]) -> [UInt8] = { $0 }
        var paged: @Sendable ([UInt8]) -> [UInt8] = { $0 }

        func info() async throws(PSIError) -> PSIServerInfo { info(server.info) }
        func evaluate(_ points: [UInt8]) async throws(PSIError) -> [UInt8] { evaluated(try server.evaluate(points)) }
        func page(offset: Int, count: Int) async throws(PSIError) -> [UInt8] { paged(try server.page(offset: offset, count: count)) }
        func openSession() async throws(PSIError) -> String { try server.openSession() }
        func addToSession(_ id: String, _ points: [UInt8]) async throws(PSIError) { try server.addToSession(id, points) }
        func finishSession(_ id: String) async throws(PSIError) -> [UInt8] { try server.finishSession(id) }
    }

    private func assertClientRefuses(_ code: PSIError.Code, _ transport: Tampering, file: StaticString = #filePath, line: UInt = #line) async {
        do {
            let found = try await PSIClient.intersection(elements: ["alice", "zed"].map { Array($0.utf8) }, transport: transport)
            XCTFail("the client accepted a tampered exchange and found \(found)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
        }
    }

    func testClientRefusesTamperedResponses() async throws {
        let honest = try await PSIClient.intersection(elements: ["alice", "zed"].map { Array($0.utf8) }, transport: Tampering(server: server))
        XCTAssertEqual(honest, [0])
        await assertClientRefuses(.malformedMessage, Tampering(server: server, evaluated: { Array($0.dropLast()) }))
        await assertClientRefuses(.malformedMessage, Tampering(server: server, evaluated: { bytes in
            var out = bytes
            out[40] ^= 0x01   // y no longer matches x: off the curve
            return out
        }))
        await assertClientRefuses(.malformedMessage, Tampering(server: server, paged: { Array($0.dropLast(5)) }))
        await assertClientRefuses(.malformedMessage, Tampering(server: server, paged: { Array($0[12..<24] + $0[0..<12] + $0[24...]) }))
        await assertClientRefuses(.malformedMessage, Tampering(server: server, info: { info in
            var out = info
            out.publicKey = "02" + String(repeating: "ff", count: 32)
            return out
        }))
        await assertClientRefuses(.protocolMismatch, Tampering(server: server, info: { info in
            var out = info
            out.protocol = "other-psi"
            return out
        }))
    }

    func testSwappedEvaluationsGiveNoFalseMatches() async throws {
        // A server that answers with another element's evaluation cannot make
        // the client report an element the server's set lacks as common.
        let transport = Tampering(server: server, evaluated: { bytes in Array(bytes[65...] + bytes[..<65]) })
        let found = try await PSIClient.intersection(elements: ["zed", "alice"].map { Array($0.utf8) }, transport: transport)
        XCTAssertEqual(found, [])
    }
}
