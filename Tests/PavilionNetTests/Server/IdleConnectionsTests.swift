import Foundation
import Glibc
import PavilionNet
import PavilionTestSupport
import XCTest

final class IdleConnectionsTests: XCTestCase {
    /// The holder runs in a python3 child because this container's hard
    /// RLIMIT_NOFILE (20,000) cannot hold both ends of 10,000 connections in
    /// one process; each end stays an ordinary non-blocking-agnostic socket.
    private static let holder = """
    import resource, socket, sys
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    port, count = int(sys.argv[1]), int(sys.argv[2])
    socks = []
    for _ in range(count):
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(b"GET /warm HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n")
        socks.append(s)
    for s in socks:
        data = b""
        while b"hello /warm" not in data:
            chunk = s.recv(4096)
            if not chunk:
                sys.exit("closed early")
            data += chunk
    print("ready", flush=True)
    sys.stdin.read()
    """

    func testTenThousandIdleKeepAliveConnectionsAreHeld() async throws {
        var limit = rlimit()
        getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        limit.rlim_cur = limit.rlim_max
        XCTAssertEqual(setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit), 0)
        try XCTSkipIf(limit.rlim_cur < 10_100, "RLIMIT_NOFILE hard limit \(limit.rlim_max) is below 10,100")

        let count = 10_000
        let server = try TestServer(HTTPServerConfiguration(idleTimeout: .seconds(120)))
        // posix_spawn, not Foundation's Process, whose run() reads /proc/self/fd and
        // now and then crashes with this many descriptors open (see Spawn).
        let process = try Spawn.start("/usr/bin/python3", ["-c", IdleConnectionsTests.holder, String(server.port), String(count)])
        defer {
            process.closeInput()
            process.wait()
        }
        let started = Date()
        let line = process.availableOutput()  // python bounds each socket op at 30 s
        XCTAssertTrue(String(decoding: line, as: UTF8.self).hasPrefix("ready"), String(decoding: line, as: UTF8.self))
        print("informal: \(count) connections opened and warmed in \(String(format: "%.2f", Date().timeIntervalSince(started))) s")
        XCTAssertTrue(waitUntil(seconds: 30) { server.server.counters.openConnections >= count })
        XCTAssertEqual(server.server.counters.openConnections, count)

        let group = try EventLoopGroup(threads: 1)
        let client = try HTTPClient(group: group)
        let response = try await client.send(HTTPClientRequest(target: "/fresh"), to: Endpoint(scheme: .http, host: "127.0.0.1", port: server.port),
                                             deadline: deadline())
        XCTAssertEqual(String(decoding: response.body, as: UTF8.self), "hello /fresh")
        XCTAssertEqual(server.server.counters.openConnections, count + 1)
        print("informal: server resident set with \(count + 1) connections: \(residentMegabytes()) MB (test process)")

        process.closeInput()
        client.shutdown()
        XCTAssertTrue(waitUntil(seconds: 30) { server.server.counters.openConnections == 0 })
        await server.stop()
        group.shutdown()
    }

    private func residentMegabytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return -1 }
        return (Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1) / 1024
    }
}
