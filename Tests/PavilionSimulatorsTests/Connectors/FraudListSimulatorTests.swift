import PavilionCore
import PavilionNet
import PavilionPrivacy
import PavilionSimulators
import XCTest

/// The fraud register simulator: its list published as a `pavilion-psi-v1`
/// set under `/psi/v1/`, answered to the real PSI client over loopback HTTP.
final class FraudListSimulatorTests: XCTestCase {
    /// The PSI client's messages over the harness's HTTP client.
    private struct Sender: PSIHTTPSender {
        let harness: SimulatorHarness
        var base: String { "/psi/v1" }

        func send(method: String, target: String, body: [UInt8], expect: Int) async throws(PSIError) -> [UInt8] {
            let response: HTTPClientResponse
            do { response = try await harness.send(method, target, body: body) } catch {
                throw PSIError(.transport, "\(error)")
            }
            guard response.status == expect else { throw PSIError(.transport, "\(target): \(response.status)") }
            return response.body
        }
    }

    func testThePublishedSetAnswersTheRealPSIClient() async throws {
        let harness = try SimulatorHarness(.fraudList)
        let elements = ["+34600000001", "+34600000002", "+447700900555", "+447700900600"].map { Array($0.utf8) }
        let found = try await PSIClient.intersection(elements: elements, transport: Sender(harness: harness), workers: 1)
        XCTAssertEqual(found, [1, 2])
        let info = try await harness.send("GET", "/psi/v1/info").json()
        XCTAssertEqual(info["protocol"], "pavilion-psi-v1")
        XCTAssertEqual(info["mode"], "intersection")
        XCTAssertEqual(info["setSize"], .int(Int64(SimulatorConfiguration(kind: .fraudList).listedNumbers.count)))
        await harness.stop()
    }

    func testAConfiguredListIsServedAndNoPlainLookupExists() async throws {
        let harness = try SimulatorHarness(SimulatorConfiguration(kind: .fraudList, listedNumbers: ["+15550100"]))
        let found = try await PSIClient.intersection(elements: [Array("+15550100".utf8), Array("+34600000002".utf8)],
                                                     transport: Sender(harness: harness), workers: 1)
        XCTAssertEqual(found, [0])
        for target in ["/numbers/+15550100", "/psi/v2/info", "/"] {
            let response = try await harness.send("GET", target)
            XCTAssertEqual(response.status, 404, target)
        }
        let malformed = try await harness.send("POST", "/psi/v1/evaluate", body: [1, 2, 3])
        XCTAssertEqual(malformed.status, 400)
        await harness.stop()
    }

    func testAnEmptyListIsRefused() {
        XCTAssertThrowsError(try DPSimulator(configuration: SimulatorConfiguration(kind: .fraudList, listedNumbers: []))) { error in
            XCTAssertEqual((error as? SimulatorError)?.code, .invalidConfiguration)
        }
    }
}
