import Foundation
import PavilionCore
import PavilionTestSupport
import XCTest

/// kill -9 under load loses nothing that was acknowledged, and the audit
/// trail stays intact: every verification stored has its audit record.
final class ServiceCrashSafetyTests: XCTestCase {
    /// Concurrent clients, and requests per client: 300 in all.
    private static let clients = 4
    private static let requestsPerClient = 75
    /// Acknowledged verifications to wait for before the kill.
    private static let killAfter = 60

    func testKillNineUnderLoadKeepsEveryAcknowledgedVerificationAndAnIntactAuditTrail() throws {
        let harness = try ServiceHarness.start()
        var batches: [CurlBatch] = []
        defer {
            batches.forEach { $0.cancel() }
            harness.shutdown()
        }
        let private_ = harness.root.appendingPathComponent("load")
        try FileManager.default.createDirectory(at: private_, withIntermediateDirectories: true)
        let echo = private_.appendingPathComponent("echo.json")
        let camara = private_.appendingPathComponent("camara.json")
        try ServiceTestCase.echoBody.write(to: echo, atomically: true, encoding: .utf8)
        try ServiceTestCase.camaraBody.write(to: camara, atomically: true, encoding: .utf8)

        // Load: three echo clients and one camara client, all at once.
        let server = try XCTUnwrap(harness.server)
        for client in 0..<Self.clients {
            let body = client == 0 ? camara : echo
            let transfers = Array(repeating: CurlBatch.Transfer(method: "POST", path: "/v1/verifications", bodyFile: body),
                                  count: Self.requestsPerClient)
            batches.append(try CurlBatch(baseURL: harness.baseURL, caFile: harness.caFile, key: harness.acmeKey,
                                         transfers: transfers, configFile: private_.appendingPathComponent("client\(client).curl")))
        }
        let answered = server.stderr.wait(seconds: 60, until: Self.killAfter) { line in
            line.contains(#""msg":"request""#) && line.contains(#""route":"/v1/verifications""#) && line.contains(#""status":200"#)
        }
        XCTAssertTrue(answered, "the load never reached \(Self.killAfter) verifications: \(server.stderr.text.suffix(2000))")
        harness.killServer()

        var responses: [Curl.Response] = []
        for batch in batches {
            responses += try XCTUnwrap(batch.finish(seconds: 60), "a client did not finish after the kill")
        }
        XCTAssertEqual(responses.count, Self.clients * Self.requestsPerClient)
        let acknowledged = responses.filter { $0.status == 200 }
        let ids = acknowledged.compactMap { $0.json?["id"]?.stringValue }
        XCTAssertGreaterThanOrEqual(acknowledged.count, Self.killAfter / 2, "too few verifications acknowledged")
        XCTAssertLessThan(acknowledged.count, responses.count, "every request finished: the kill was not under load")
        XCTAssertTrue(responses.allSatisfy { $0.status == 200 || $0.status == 0 },
                      "an answer other than 200 under load: \(responses.filter { $0.status != 200 && $0.status != 0 }.prefix(3).map(\.summary))")

        // Restart on the same data: the trail is intact, nothing acknowledged is lost.
        try harness.startServer()
        let audit = try TestEnvironment.pavilion(["audit", "verify", "--data", harness.dataDirectory.path, "--json"])
        XCTAssertEqual(audit.status, 0, audit.stdout + audit.stderr)
        let report = try parseJSON(audit.stdout)
        XCTAssertEqual(report["intact"], true, audit.stdout)
        XCTAssertEqual(report["problems"], 0, audit.stdout)
        let records = try XCTUnwrap(report["records"]?.intValue, audit.stdout)
        let verifications = try XCTUnwrap(report["verifications"]?.intValue, audit.stdout)
        XCTAssertGreaterThanOrEqual(records, Int64(acknowledged.count), audit.stdout)
        XCTAssertGreaterThanOrEqual(verifications, Int64(acknowledged.count), audit.stdout)

        let reads = try CurlBatch(baseURL: harness.baseURL, caFile: harness.caFile, key: harness.acmeKey,
                                  transfers: ids.map { CurlBatch.Transfer(method: "GET", path: "/v1/verifications/\($0)") },
                                  configFile: private_.appendingPathComponent("reads.curl"))
        batches.append(reads)
        let readBack = try XCTUnwrap(reads.finish(seconds: 60))
        XCTAssertEqual(readBack.map(\.status), Array(repeating: 200, count: ids.count), "an acknowledged verification is missing")
        XCTAssertEqual(readBack.compactMap { $0.json?["id"]?.stringValue }, ids)

        let after = try harness.curl.post("/v1/verifications", key: harness.acmeKey, ServiceTestCase.echoBody)
        XCTAssertEqual(after.status, 200, after.summary)
        XCTAssertEqual(harness.stopServer(), 0, "pavilion serve did not drain and exit 0 on SIGTERM")
    }
}
