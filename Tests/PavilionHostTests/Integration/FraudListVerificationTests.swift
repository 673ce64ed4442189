import Foundation
import PavilionCore
import PavilionCrypto
import PavilionHost
import PavilionPlugins
import PavilionPrivacy
import PavilionSimulators
import PavilionStore
import PavilionTestSupport
import XCTest

/// The shipped fraud-list connector through the host against the fraud
/// register simulator: the connector's PSI step (`PV_STEP_PSI`) runs over
/// the host's transport against the simulator's `pavilion-psi-v1` set; the
/// register only ever receives blinded points.
final class FraudListVerificationTests: XCTestCase {
    /// Run `body` with a host (the harness's, plus fraud-list enabled for
    /// `acme`) and a fraud register simulator; both are stopped afterwards.
    private func withRegister(_ body: (HostHarness, DPSimulator) async throws -> Void) async throws {
        let simulator = try DPSimulator(configuration: SimulatorConfiguration(kind: .fraudList))
        try simulator.start()
        let url = try XCTUnwrap(EndpointURL(simulator.url))
        var limits = HostHarness.defaultLimits
        limits.requestTimeoutMs = 10_000
        let host = try await HostHarness(limits: limits, configure: { config in
            try? HostHarness.installConnector("fraud-list", into: URL(fileURLWithPath: config.connectorsDirectory))
            config.endpointOverrides["fraud-list"] = ["eu-west": url]
        })
        do {
            try await host.store.setConnector("fraud-list", enabled: true, for: TenantID("acme"))
            try await body(host, simulator)
        } catch {
            await host.stop()
            await simulator.shutdown()
            throw error
        }
        await host.stop()
        await simulator.shutdown()
    }

    private func verify(_ host: HostHarness, _ number: String) async throws -> (status: Int, json: JSONValue?, text: String) {
        let body: JSONValue = ["connector": "fraud-list", "claims": ["listed"], "subject": ["phone_number": .string(number)],
                               "purpose": "fraud_prevention", "lawful_basis": "legitimate_interests", "jurisdiction": "eu"]
        let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: body.serialized)
        return (r.status, r.json, r.text)
    }

    func testListedAndUnlistedNumbersThroughThePSIRegister() async throws {
        try await withRegister { host, simulator in
            let listed = try await verify(host, "+34 600 000 002")
            XCTAssertEqual(listed.status, 200, listed.text)
            XCTAssertEqual(listed.json?["status"], "completed")
            XCTAssertEqual(listed.json?["claims"], ["listed": true])
            let unlisted = try await verify(host, "+34600000001")
            XCTAssertEqual(unlisted.status, 200, unlisted.text)
            XCTAssertEqual(unlisted.json?["claims"], ["listed": false])

            // The register saw only the PSI messages: info, one evaluation and the set pages, per verification.
            let requests = simulator.stats.requests
            XCTAssertEqual(requests["/psi/v1/info"], 2, "\(requests)")
            XCTAssertEqual(requests["/psi/v1/evaluate"], 2, "\(requests)")
            XCTAssertEqual(Set(requests.keys), ["/psi/v1/info", "/psi/v1/evaluate", "/psi/v1/set"], "\(requests)")

            // The privacy receipt names PSI; the lineage records the round with the answer's digest.
            let id = try VerificationID(try XCTUnwrap(listed.json?["id"]?.stringValue))
            let receipt = try await host.store.artifact("privacy_receipt", of: id, tenant: TenantID("acme"))
            let entry = try ReceiptLogEntry(bytes: try XCTUnwrap(receipt?.body))
            XCTAssertTrue(entry.receipt.primitives.contains("psi:pavilion-psi-v1"), "\(entry.receipt.primitives)")
            let lineage = try await host.send("GET", "/v1/verifications/\(id.rawValue)/lineage", key: host.acmeKey)
            let rounds = (lineage.json?["events"]?.arrayValue ?? []).filter {
                $0["run"]?["facets"]?["pavilion_stage"]?["kind"] == "dp_exchange" && $0["eventType"] == "COMPLETE"
            }
            XCTAssertEqual(rounds.count, 1, "one PSI step, one round")
            let detail = rounds.first?["run"]?["facets"]?["pavilion_stage"]?["detail"]
            XCTAssertEqual(detail?["response_digest"]?["hex"]?.stringValue,
                           SHA256.hex(PSIStepRequest.answer(intersection: [0]).body), "\(String(describing: detail))")
            XCTAssertFalse(lineage.text.contains("600000002"), "the lineage never holds the number")

            let chain = try await host.store.verifyAuditChain()
            XCTAssertTrue(chain.problems.isEmpty, "\(chain.problems)")
        }
    }

    func testAnInvalidNumberIsRefusedBeforeTheRegisterIsAsked() async throws {
        try await withRegister { host, simulator in
            let r = try await verify(host, "+34 600 CALL ME")
            XCTAssertEqual(r.status, 400, r.text)
            XCTAssertEqual(simulator.stats.totalRequests, 0)
        }
    }

    func testGarbageAndErrorsFromThePSIServiceAre502() async throws {
        try await withRegister { host, simulator in
            for paths in [["/psi/v1/evaluate"], ["/psi/v1/info"], ["/psi/v1/set"]] {
                try simulator.setFaults(SimulatorFaults(garbage: true, paths: paths))
                let r = try await verify(host, "+34600000002")
                XCTAssertEqual(r.status, 502, "\(paths): \(r.text)")
                XCTAssertEqual(r.json?["code"], "upstream_error", "\(paths): \(r.text)")
            }
            try simulator.setFaults(SimulatorFaults(status: 500, paths: ["/psi/v1/evaluate"]))
            let failed = try await verify(host, "+34600000002")
            XCTAssertEqual(failed.status, 502, failed.text)
            try simulator.setFaults(.none)
            let healthy = try await verify(host, "+34600000002")
            XCTAssertEqual(healthy.json?["claims"], ["listed": true], healthy.text)
            let chain = try await host.store.verifyAuditChain()
            XCTAssertTrue(chain.problems.isEmpty, "\(chain.problems)")
        }
    }
}
