import Foundation
import PavilionCore
import PavilionCrypto
import PavilionHost
import PavilionSimulators
import PavilionStore
import PavilionTestSupport
import XCTest

/// PSI steps from C plugins (Tests/Fixtures/plugins/psi_step.c) through the
/// whole pipeline against the fraud register simulator: an ABI-2 plugin's
/// step is answered, an oversized step and an ABI-1 plugin's step end the
/// verification with a 502 before anything reaches the DP.
final class PSIStepPipelineTests: XCTestCase {
    /// Compile psi_step.c as connector `name` (ABI `abi`) into `folder`, with a pinned manifest.
    private static func install(_ name: String, abi: Int, into folder: URL, endpoint: String) throws {
        let library = folder.appendingPathComponent("lib/lib\(name).so")
        try FileManager.default.createDirectory(at: library.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = try TestEnvironment.compileCConnector(source: TestEnvironment.fixtures("plugins").appendingPathComponent("psi_step.c"),
                                                  output: library, extraFlags: ["-DFX_ABI=\(abi)", "-DFX_NAME=\"\(name)\""])
        try """
            apiVersion: pavilion.dev/v1
            kind: Connector
            metadata: { name: \(name), provider: Test DP, version: 1.0.0 }
            spec:
              library: { path: lib/lib\(name).so, sha256: "\(try SHA256.hexOfFile(atPath: library.path))", abi: \(abi) }
              formats: { input: [json], output: [json], credentials: [vc+jwt] }
              claims:
                - { name: age_over_18, type: boolean, data_categories: [identity] }
                - { name: name_match, type: boolean, data_categories: [identity] }
              regions:
                - { name: eu-west, residency: eu, priority: 1, endpoints: ["\(endpoint)"] }
              compliance: { jurisdictions: [gdpr], data_categories: [identity], lawful_bases: [consent], purposes: [kyc], retention: P90D }
            """.write(to: folder.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
    }

    func testPSIStepsFromCPluginsThroughThePipeline() async throws {
        let simulator = try DPSimulator(configuration: SimulatorConfiguration(kind: .fraudList))
        try simulator.start()
        var limits = HostHarness.defaultLimits
        limits.requestTimeoutMs = 10_000
        let url = simulator.url
        let host = try await HostHarness(limits: limits, configure: { config in
            let folder = URL(fileURLWithPath: config.connectorsDirectory)
            try? Self.install("psi-two", abi: 2, into: folder, endpoint: url)
            try? Self.install("psi-one", abi: 1, into: folder, endpoint: url)
        })
        do {
            for name in ["psi-two", "psi-one"] { try await host.store.setConnector(name, enabled: true, for: TenantID("acme")) }
            func verify(_ connector: String, _ marker: String) async throws -> (status: Int, json: JSONValue?, text: String) {
                let body: JSONValue = ["connector": .string(connector), "claims": ["age_over_18"], "subject": ["mode": .string(marker)],
                                       "purpose": "kyc", "lawful_basis": "consent", "jurisdiction": "eu"]
                let r = try await host.send("POST", "/v1/verifications", key: host.acmeKey, body: body.serialized)
                return (r.status, r.json, r.text)
            }
            let answered = try await verify("psi-two", "plain")
            XCTAssertEqual(answered.status, 200, answered.text)
            XCTAssertEqual(answered.json?["claims"], ["age_over_18": true], "+447700900555 is on the register")
            let asked = simulator.stats.totalRequests

            for (connector, marker) in [("psi-two", "many"), ("psi-two", "none"), ("psi-one", "plain")] {
                let refused = try await verify(connector, marker)
                XCTAssertEqual(refused.status, 502, "\(connector) \(marker): \(refused.text)")
                XCTAssertEqual(refused.json?["code"], "connector_error", "\(connector) \(marker): \(refused.text)")
            }
            XCTAssertEqual(simulator.stats.totalRequests, asked, "refused steps never reach the DP")
            let chain = try await host.store.verifyAuditChain()
            XCTAssertTrue(chain.problems.isEmpty, "\(chain.problems)")
        } catch {
            await host.stop()
            await simulator.shutdown()
            throw error
        }
        await host.stop()
        await simulator.shutdown()
    }
}
