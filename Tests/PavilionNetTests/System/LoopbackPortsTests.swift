import PavilionNet
import XCTest

final class LoopbackPortsTests: XCTestCase {
    func testAFreePortIsNotListenedOnUntilAServerTakesIt() async throws {
        let port = try LoopbackPorts.free()
        XCTAssertGreaterThan(port, 0)
        XCTAssertFalse(LoopbackPorts.isListening(port: port))
        let group = try EventLoopGroup(threads: 1)
        let server = try HTTPServer(configuration: HTTPServerConfiguration(port: port), group: group) { _ in
            HTTPServerResponse(status: 204)
        }
        try server.start()
        XCTAssertEqual(server.port, port)
        XCTAssertTrue(LoopbackPorts.isListening(port: port))
        await server.shutdown(gracePeriod: .seconds(1))
        group.shutdown()
        XCTAssertFalse(LoopbackPorts.isListening(port: port))
    }
}
