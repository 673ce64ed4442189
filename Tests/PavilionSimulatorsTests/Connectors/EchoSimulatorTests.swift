import PavilionCore
import PavilionNet
import PavilionSimulators
import XCTest

/// The shipped echo connector against the echo simulator.
final class EchoSimulatorTests: XCTestCase {
    func testEchoGivesTheFixtureResult() async throws {
        let fixture = try FixtureCase.named("echo answers 200", in: "echo.json")
        let harness = try SimulatorHarness(.echo)
        let instance = try ShippedConnector.instance("echo")
        let outcome = try await ShippedConnector.run(instance, query: fixture.query, client: harness.client,
                                                     endpoint: harness.endpoint)
        XCTAssertEqual(outcome, fixture.expected)
        let probe = try await ShippedConnector.run(instance, client: harness.client, endpoint: harness.endpoint)
        XCTAssertEqual(probe, .result(["healthy": true]))
        XCTAssertEqual(harness.simulator.stats.requests, ["/echo": 1, "/health": 1])
        await harness.stop()
    }

    func testEchoAnswersAnEmptyObjectAndUnknownPathsAre404() async throws {
        let harness = try SimulatorHarness(.echo)
        let echo = try await harness.send("GET", "/echo")
        XCTAssertEqual(echo.status, 200)
        XCTAssertEqual(try echo.json(), [:])
        let missing = try await harness.send("GET", "/nothing")
        XCTAssertEqual(missing.status, 404)
        await harness.stop()
    }
}
