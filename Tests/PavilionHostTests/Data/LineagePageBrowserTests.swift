import Foundation
import PavilionCore
import PavilionSimulators
import PavilionTestSupport
import XCTest

/// The lineage and overview pages as a browser gets them from a running
/// host, for a real verification: headless Chromium loads
/// `http://key:pvk_…@127.0.0.1:port/ui/…` (HTTP Basic, the key as the
/// password), screenshots it and checks the nodes and the console.
final class LineagePageBrowserTests: XCTestCase {
    func testHostServedLineageAndOverviewPagesRenderInChromium() async throws {
        _ = try Chromium.executable()
        try await DataHost.with(
            simulators: [SimulatorConfiguration(kind: .fhir)],
            connectors: [.init(shipped: "fhir-patient", extraSpec: DataPipelineTests.acceptingQuality, simulator: 0)]
        ) { host in
            let r = try await host.verify(DataHost.fhirBody("fhir-patient", claims: ["patient_exists", "age_over_18"], credential: "vc+jwt"))
            XCTAssertEqual(r.status, 200, r.text)
            let id = try XCTUnwrap(r.json?["id"]?.stringValue)
            let base = "http://browser:\(host.acmeKey)@127.0.0.1:\(host.service.port)"
            let port = host.service.port
            let lineage = try await Self.offMainThread {
                try Chromium.render("\(base)/ui/lineage/\(id)", name: "host-lineage",
                                    expecting: ["Request", "Policy: permit", "DP exchange #0", "DP exchange #1", "Validation (output)",
                                                "Quality: accept", "Minimisation", "Claims", "Credential"])
            }
            XCTAssertFalse(lineage.contains("1990-05-01"), "no raw DP value on the page")
            _ = try await Self.offMainThread {
                try Chromium.render("\(base)/ui/connectors/fhir-patient", name: "host-overview",
                                    expecting: ["fhir-patient", "median exchange", "completeness"])
            }
            // Without the key the browser gets the Basic challenge, not the page.
            let refused = try await Self.offMainThread { try Chromium.run("http://127.0.0.1:\(port)/ui/lineage/\(id)", ["--dump-dom"]) }
            XCTAssertFalse(refused.stdout.contains("DP exchange"), refused.stdout)
        }
    }

    /// Run blocking work (a child process) on its own thread, not the
    /// concurrency pool the in-process host also answers on.
    static func offMainThread<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try work() }) }.start()
        }
    }
}
