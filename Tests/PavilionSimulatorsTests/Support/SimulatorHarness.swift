import Foundation
import PavilionCore
import PavilionNet
import PavilionSimulators
import XCTest

/// A started simulator and a client on one event-loop group, torn down by `stop`.
final class SimulatorHarness: @unchecked Sendable {
    let group: EventLoopGroup
    let simulator: DPSimulator
    let client: HTTPClient

    init(_ configuration: SimulatorConfiguration, client clientConfiguration: HTTPClientConfiguration = HTTPClientConfiguration()) throws {
        group = try EventLoopGroup(threads: 1)
        simulator = try DPSimulator(configuration: configuration, group: group)
        try simulator.start()
        client = try HTTPClient(group: group, configuration: clientConfiguration)
    }

    convenience init(_ kind: SimulatorKind, faults: SimulatorFaults = .none, seed: UInt64? = nil) throws {
        try self.init(SimulatorConfiguration(kind: kind, faults: faults, randomSeed: seed))
    }

    var endpoint: Endpoint { simulator.endpoint }

    /// Send one request; `deadline` bounds the whole exchange.
    func send(_ method: String = "GET", _ target: String, headers: [(String, String)] = [], body: [UInt8] = [],
              timeout: Duration = .seconds(10)) async throws -> HTTPClientResponse {
        try await client.send(HTTPClientRequest(method: method, target: target, headers: HTTPHeaders(headers), body: body),
                              to: endpoint, deadline: .now + timeout)
    }

    /// Send a JSON body.
    func send(_ method: String, _ target: String, json: JSONValue, headers: [(String, String)] = []) async throws -> HTTPClientResponse {
        try await send(method, target, headers: [("content-type", "application/json")] + headers, body: json.serializedBytes)
    }

    /// A bearer token from the token endpoint, with the fixtures' credentials.
    func token() async throws -> String {
        let response = try await send("POST", "/oauth2/token",
                                      headers: [("content-type", "application/x-www-form-urlencoded"),
                                                ("authorization", "Basic dGVzdC1jbGllbnQ6czNjcjN0")],
                                      body: Array("grant_type=client_credentials".utf8))
        XCTAssertEqual(response.status, 200)
        return try XCTUnwrap(try response.json()["access_token"]?.stringValue)
    }

    func stop() async {
        client.shutdown()
        await simulator.shutdown(gracePeriod: .milliseconds(200))
        group.shutdown()
    }
}

extension HTTPClientResponse {
    /// The body parsed as JSON.
    func json() throws -> JSONValue { try JSONParser().parse(bytes: body) }
}

/// Poll `condition` until it holds or `seconds` pass: a bounded wait on a
/// condition, not a fixed sleep.
func waitUntil(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    let tick = DispatchSemaphore(value: 0)
    while Date() < deadline {
        if condition() { return true }
        _ = tick.wait(timeout: .now() + .milliseconds(5))
    }
    return condition()
}
