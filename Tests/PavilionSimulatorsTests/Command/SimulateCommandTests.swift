import Foundation
import PavilionCore
import PavilionNet
import PavilionTestSupport
import XCTest

/// `pavilion simulate`, the real binary.
final class SimulateCommandTests: XCTestCase {
    func testSimulatePrintsItsURLAnswersAndStopsOnSIGTERM() async throws {
        let process = try Spawn.start(TestEnvironment.pavilionBinary.path,
                                      ["simulate", "camara", "--port", "0", "--latency-ms", "5", "--client-id", "cli",
                                       "--client-secret", "pw"], stdout: .pipe, stderr: .discard)
        defer { process.signal(SIGKILL); process.wait() }

        let first = try XCTUnwrap(process.outputLine(seconds: 20), "no URL line within 20 s")
        let line = try JSONParser().parse(first)
        XCTAssertEqual(line["simulator"], "camara")
        let url = try XCTUnwrap(line["url"]?.stringValue)
        let port = try XCTUnwrap(url.split(separator: ":").last.flatMap { Int($0) })
        XCTAssertEqual(url, "http://127.0.0.1:\(port)")

        let group = try EventLoopGroup(threads: 1)
        let client = try HTTPClient(group: group)
        let endpoint = Endpoint(scheme: .http, host: "127.0.0.1", port: port)
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "application/x-www-form-urlencoded")
        headers.add(name: "authorization", value: "Basic " + Data("cli:pw".utf8).base64EncodedString())
        let token = try await client.send(HTTPClientRequest(method: "POST", target: "/oauth2/token", headers: headers,
                                                            body: Array("grant_type=client_credentials".utf8)),
                                          to: endpoint, deadline: .now + .seconds(10))
        XCTAssertEqual(token.status, 200, "the configured client credentials are accepted")
        let faults = try await client.send(HTTPClientRequest(target: "/_sim/faults"), to: endpoint,
                                           deadline: .now + .seconds(10))
        XCTAssertEqual(try JSONParser().parse(bytes: faults.body)["latencyMs"], 5)
        client.shutdown()
        group.shutdown()

        process.signal(SIGTERM)
        XCTAssertEqual(process.wait(seconds: 20), 0, "no clean exit within 20 s of SIGTERM")
        XCTAssertEqual(process.endedBySignal, false)
    }

    func testSimulateRefusesAnUnknownKind() throws {
        let result = try TestEnvironment.pavilion(["simulate", "ldap"])
        XCTAssertEqual(result.status, 2)
        XCTAssertTrue(result.stderr.contains("simulate needs exactly one of camara, fhir, echo"), result.stderr)
    }
}
