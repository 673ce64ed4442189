import Foundation
import Glibc
import PavilionNet
import PavilionTestSupport
import XCTest

/// A blocking loopback socket whose every read is bounded by a receive timeout.
final class RawSocket {
    let fd: Int32

    init(port: Int, timeoutSeconds: Int = 5) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NSError(domain: "socket", code: Int(errno)) }
        var tv = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(fd)
            throw NSError(domain: "connect", code: Int(errno))
        }
    }

    deinit { close(fd) }

    func send(_ text: String) { send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Read until the peer closes or the receive timeout passes; returns what arrived and whether it closed.
    func readToEnd() -> (text: String, closed: Bool) {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { data.append(contentsOf: buffer[0..<n]); continue }
            return (String(decoding: data, as: UTF8.self), n == 0 || (n < 0 && errno == ECONNRESET))
        }
    }

    /// Read until `count` occurrences of `marker` arrived (or timeout/close).
    func read(untilCount count: Int, of marker: String) -> String {
        var data: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while String(decoding: data, as: UTF8.self).components(separatedBy: marker).count - 1 < count {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { break }
            data.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Poll `condition` every few milliseconds until it holds or `seconds` pass.
/// A bounded wait on a condition, not a fixed sleep.
func waitUntil(seconds: Double = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    let tick = DispatchSemaphore(value: 0)
    while Date() < deadline {
        if condition() { return true }
        _ = tick.wait(timeout: .now() + .milliseconds(5))
    }
    return condition()
}

/// A throwaway CA with a server certificate (localhost, 127.0.0.1) and a
/// client certificate, made with the `openssl` command line.
struct TestCertificates {
    let directory: URL
    var caFile: String { directory.appendingPathComponent("ca.pem").path }
    var serverCert: String { directory.appendingPathComponent("server.pem").path }
    var serverKey: String { directory.appendingPathComponent("server.key").path }
    var clientCert: String { directory.appendingPathComponent("client.pem").path }
    var clientKey: String { directory.appendingPathComponent("client.key").path }

    static func make() throws -> TestCertificates {
        let dir = try TestEnvironment.makeTemporaryDirectory("pavilion-net-certs")
        let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
        func run(_ args: [String]) throws {
            let r = try TestEnvironment.run(openssl, args, in: dir)
            guard r.status == 0 else { throw NSError(domain: "openssl", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        }
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n".write(
            to: dir.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
        try "extendedKeyUsage=clientAuth\n".write(to: dir.appendingPathComponent("client.ext"), atomically: true, encoding: .utf8)
        try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
                 "-out", "ca.pem", "-days", "2", "-subj", "/CN=Pavilion Test CA",
                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        for name in ["server", "client"] {
            try run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "\(name).key",
                     "-out", "\(name).csr", "-subj", name == "server" ? "/CN=localhost" : "/CN=test-client/O=Pavilion Tests"])
            try run(["x509", "-req", "-in", "\(name).csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                     "-out", "\(name).pem", "-days", "2", "-extfile", "\(name).ext"])
        }
        return TestCertificates(directory: dir)
    }
}

/// A server on its own loops, answering with `handler`, torn down by `stop`.
final class TestServer {
    let group: EventLoopGroup
    let server: HTTPServer
    var port: Int { server.port }

    init(_ configuration: HTTPServerConfiguration = HTTPServerConfiguration(), threads: Int = 2,
         handler: @escaping HTTPHandler = TestServer.echo) throws {
        group = try EventLoopGroup(threads: threads)
        server = try HTTPServer(configuration: configuration, group: group, handler: handler)
        try server.start()
    }

    func stop() async {
        await server.shutdown(gracePeriod: .seconds(2))
        group.shutdown()
    }

    static let echo: HTTPHandler = { request in
        var headers = HTTPHeaders()
        headers.add(name: "content-type", value: "text/plain")
        headers.add(name: "x-path", value: request.path)
        headers.add(name: "x-connection", value: String(request.connectionID))
        if let tls = request.tls {
            headers.add(name: "x-tls-version", value: tls.version)
            headers.add(name: "x-tls-cipher", value: tls.cipher)
            headers.add(name: "x-tls-peer", value: tls.peerSubject ?? "none")
        }
        let body = request.body.isEmpty ? Array("hello \(request.path)".utf8) : request.body
        return HTTPServerResponse(status: 200, headers: headers, body: body)
    }
}

func deadline(_ seconds: Int = 10) -> ContinuousClock.Instant { .now + .seconds(seconds) }
