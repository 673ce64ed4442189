import CPavilion
import Foundation
import PavilionConnectorKit
import XCTest

/// A kit connector's PSI step (`PV_STEP_PSI`, ABI 2) through the real
/// fraud-list library: how it is laid out in `pv_step_t.psi`, how the host's
/// synthetic answer is read, and what an ABI-1 host gets instead.
final class PSIStepEncodingTests: XCTestCase {
    private static let query = #"{"subject":{"phone_number":"+44 (7700) 900-555"},"claims":["listed"]}"#

    private func session(_ host: TestHost = TestHost()) throws -> ConnectorSession {
        try ConnectorSession(try LoadedConnector("pv_fraud_list"), host: host)
    }

    func testTheKitAnswersEachHostWithTheVersionItSpeaks() throws {
        let library = try LoadedConnector("pv_fraud_list")
        XCTAssertEqual(library.plugin(abi: 2, host: TestHost())?.abi_version, 2)
        XCTAssertEqual(library.plugin(abi: 1, host: TestHost(abiVersion: 1))?.abi_version, 1)
        XCTAssertEqual(library.plugin(abi: 99, host: TestHost())?.abi_version, 2)
    }

    func testBeginReturnsOnePSIStepWithTheNormalisedNumber() throws {
        let session = try session()
        let (exchange, outcome) = session.begin(Array(Self.query.utf8))
        defer { session.end(exchange) }
        XCTAssertEqual(outcome, .psi(.init(path: "/psi/v1", elements: [Array("+447700900555".utf8)], mode: PV_PSI_INTERSECTION)))
    }

    func testTheHostsAnswerBecomesTheListedClaim() throws {
        let session = try session()
        for (answer, listed) in [(#"{"intersection":[0]}"#, "true"), (#"{"intersection":[]}"#, "false")] {
            let (exchange, begun) = session.begin(Array(Self.query.utf8))
            guard case .psi = begun else { return XCTFail("\(begun)") }
            let outcome = session.step(exchange, status: 200, headers: [("content-type", "application/json")], body: Array(answer.utf8))
            XCTAssertEqual(outcome, .result(Array(#"{"listed":\#(listed)}"#.utf8)), answer)
            session.end(exchange)
        }
    }

    func testMalformedAnswersAreBadResponses() throws {
        let session = try session()
        let answers: [(UInt32, String)] = [
            (200, #"{"intersection":[1]}"#), (200, #"{"intersection":[0,0]}"#), (200, #"{"intersection":"0"}"#),
            (200, #"{"cardinality":1}"#), (200, "not json"), (200, ""), (502, #"{"intersection":[0]}"#),
        ]
        for (status, answer) in answers {
            let (exchange, _) = session.begin(Array(Self.query.utf8))
            let outcome = session.step(exchange, status: status, body: Array(answer.utf8))
            guard case .error(let code, let message) = outcome else { XCTFail("\(answer): \(outcome)"); continue }
            XCTAssertEqual(code, PV_ERR_BAD_RESPONSE, "\(answer): \(message)")
            session.end(exchange)
        }
    }

    func testAnABI1HostGetsUnsupportedInsteadOfAPSIStep() throws {
        let session = try session(TestHost(abiVersion: 1))
        let (exchange, outcome) = session.begin(Array(Self.query.utf8))
        defer { session.end(exchange) }
        guard case .error(let code, let message) = outcome else { return XCTFail("\(outcome)") }
        XCTAssertEqual(code, PV_ERR_UNSUPPORTED)
        XCTAssertTrue(message.contains("ABI 1"), message)
    }

    func testAStepTableTooSmallForPSIGetsUnsupported() throws {
        let session = try session()
        var step = freshStep()
        // An ABI-1 host's pv_step_t ends before `psi`.
        step.struct_size = UInt32(MemoryLayout<pv_step_t>.offset(of: \pv_step_t.psi) ?? 0)
        var exchange: OpaquePointer?
        let query = Array(Self.query.utf8)
        let status = query.withUnsafeBufferPointer {
            session.plugin.exchange_begin!(session.instance, session.hostExchange, pv_bytes_t(ptr: $0.baseAddress, len: $0.count),
                                           &exchange, &step)
        }
        defer { session.end(exchange) }
        XCTAssertEqual(status, PV_ERR_UNSUPPORTED)
        XCTAssertNil(step.psi)
    }

    func testNumbersThatAreNotE164AreInvalidInput() throws {
        let session = try session()
        for number in ["600000002", "+0600000002", "+34 600 CALL", "+1234", "+1234567890123456"] {
            let (exchange, outcome) = session.begin(Array(#"{"subject":{"phone_number":"\#(number)"},"claims":["listed"]}"#.utf8))
            XCTAssertEqual(outcome.errorStatus, PV_ERR_INVALID_INPUT, number)
            if case .error(_, let message) = outcome { XCTAssertFalse(message.contains(number), "the message quotes the number") }
            session.end(exchange)
        }
    }
}

extension StepOutcome {
    /// The status of an error outcome.
    var errorStatus: pv_status_t? {
        if case .error(let status, _) = self { return status }
        return nil
    }
}
