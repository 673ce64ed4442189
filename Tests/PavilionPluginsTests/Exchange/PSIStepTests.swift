import Foundation
import PavilionCore
import PavilionPlugins
import PavilionTestSupport
import XCTest

/// `PV_STEP_PSI` (ABI 2) through the real loader and a C plugin: the host
/// reads `pv_step_t.psi` only from a plugin that negotiated ABI 2, and
/// refuses malformed or oversized PSI steps.
final class PSIStepTests: XCTestCase {
    private func instance(abi: Int = 2) throws -> ConnectorInstance {
        let loader = try makeLoader(PluginServices())
        let library = try Fixture.library("psi_step", flags: ["-DFX_ABI=\(abi)"])
        return try ConnectorInstance(plugin: try loader.load(makeManifest(library: library, health: false)))
    }

    func testAnABI2PluginsPSIStepIsReadAndStepsWithTheAnswer() throws {
        let instance = try instance()
        XCTAssertEqual(instance.plugin.abiVersion, 2)
        let exchange = instance.makeExchange()
        let first = try exchange.begin(query: query(), tenant: "acme", requestID: "req-1")
        XCTAssertEqual(first, .psi(PSIStepRequest(path: "/psi/v1", elements: [Array("+447700900555".utf8)], mode: .intersection)))
        XCTAssertEqual(try exchange.step(PSIStepRequest.answer(intersection: [0])), .result(["age_over_18": true]))

        let other = instance.makeExchange()
        _ = try other.begin(query: query(), tenant: "acme", requestID: "req-2")
        XCTAssertEqual(try other.step(PSIStepRequest.answer(intersection: [])), .result(["age_over_18": false]))
    }

    func testTheSyntheticAnswersAreJSONWithTheirContentType() {
        let answer = PSIStepRequest.answer(intersection: [0, 3])
        XCTAssertEqual(answer.status, 200)
        XCTAssertEqual(answer.headers.first?.value, "application/json")
        XCTAssertEqual(String(decoding: answer.body, as: UTF8.self), #"{"intersection":[0,3]}"#)
        XCTAssertEqual(String(decoding: PSIStepRequest.answer(cardinality: 2).body, as: UTF8.self), #"{"cardinality":2}"#)
    }

    func testAnABI1PluginReturningAPSIStepIsRefused() throws {
        let instance = try instance(abi: 1)
        XCTAssertEqual(instance.plugin.abiVersion, 1)
        let failure = assertFails(.invalidRequest) {
            try instance.makeExchange().begin(query: query(), tenant: "acme", requestID: "req-1")
        }
        XCTAssertEqual(failure?.message.contains("negotiated ABI 1, which has no PSI steps"), true, "\(String(describing: failure))")
    }

    func testMalformedPSIStepsAreRefused() throws {
        let instance = try instance()
        let cases: [(String, String)] = [
            ("many", "1025 elements, over the limit of 1024"),
            ("none", "no elements"),
            ("empty_element", "element 0 is empty"),
            ("seven", "mode 7"),
            ("dotdot", "'..'"),
            ("query_path", "query or fragment"),
            ("null_psi", "psi is NULL"),
            ("small_psi", "smaller than the ABI-2 size"),
        ]
        for (marker, expected) in cases {
            let failure = assertFails(.invalidRequest) {
                try instance.makeExchange().begin(query: query(mode: marker), tenant: "acme", requestID: marker)
            }
            XCTAssertEqual(failure?.message.contains(expected), true, "\(marker): \(String(describing: failure))")
        }
        XCTAssertEqual(instance.activeExchanges, 0, "every refused exchange was ended")
    }
}
