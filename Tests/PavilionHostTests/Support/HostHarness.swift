import Foundation
import Glibc
import PavilionCore
import PavilionCrypto
import PavilionHost
import PavilionNet
import PavilionStore
import PavilionTestSupport
import Synchronization
import XCTest

/// A throwaway CA and a server certificate for 127.0.0.1/localhost, made
/// with the `openssl` command line.
struct TestCertificates {
    let directory: URL
    var caFile: String { directory.appendingPathComponent("ca.pem").path }
    var serverCert: String { directory.appendingPathComponent("server.pem").path }
    var serverKey: String { directory.appendingPathComponent("server.key").path }

    static func make() throws -> TestCertificates {
        let dir = try TestEnvironment.makeTemporaryDirectory("pavilion-host-certs")
        let openssl = URL(fileURLWithPath: "/usr/bin/openssl")
        func run(_ args: [String]) throws {
            let r = try TestEnvironment.run(openssl, args, in: dir)
            guard r.status == 0 else { throw NSError(domain: "openssl", code: Int(r.status), userInfo: [NSLocalizedDescriptionKey: r.stderr]) }
        }
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n".write(
            to: dir.appendingPathComponent("server.ext"), atomically: true, encoding: .utf8)
        try run(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key",
                 "-out", "ca.pem", "-days", "2", "-subj", "/CN=Pavilion Host Test CA",
                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try run(["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key",
                 "-out", "server.csr", "-subj", "/CN=localhost"])
        try run(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                 "-out", "server.pem", "-days", "2", "-extfile", "server.ext"])
        return TestCertificates(directory: dir)
    }
}

/// How the echo DP stand-in behaves.
enum EchoBehaviour: Sendable {
    /// 200 to `GET /echo`.
    case ok
    /// Never answers until the harness stops.
    case stall
}

/// A tiny echo DP on a PavilionNet server: answers `GET /echo`, records the
/// headers it saw, and can be told to stall.
final class EchoDP: Sendable {
    final class State: Sendable {
        let behaviour = Mutex<EchoBehaviour>(.ok)
        let seen = Mutex<[HTTPHeaders]>([])
        let stalled = Mutex<[CheckedContinuation<Void, Never>]>([])
    }

    let group: EventLoopGroup
    let server: HTTPServer
    let state = State()
    var port: Int { server.port }

    init() throws {
        group = try EventLoopGroup(threads: 1)
        let state = self.state
        server = try HTTPServer(configuration: HTTPServerConfiguration(), group: group) { request in
            state.seen.withLock { $0.append(request.headers) }
            if state.behaviour.withLock({ $0 }) == .stall {
                await withCheckedContinuation { continuation in state.stalled.withLock { $0.append(continuation) } }
            }
            guard request.path == "/echo" else { return HTTPServerResponse(status: 404) }
            return HTTPServerResponse(status: 200, headers: ["content-type": "application/json"], body: Array(#"{"ok":true}"#.utf8))
        }
        try server.start()
    }

    func stop() async {
        let waiting = state.stalled.withLock { list in defer { list.removeAll() }; return list }
        waiting.forEach { $0.resume() }
        await server.shutdown(gracePeriod: .seconds(2))
        group.shutdown()
    }
}

/// A TCP listener that answers anything with bytes that are not HTTP.
final class GarbageDP: @unchecked Sendable {
    // @unchecked: fd is set once in init; the thread only reads it.
    let fd: Int32
    let port: Int
    private let thread: Thread

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw NSError(domain: "socket", code: Int(errno)) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { ptr in
            ptr.withMemoryRebound(to: sockaddr.self, capacity: 1) { sa in
                bind(fd, sa, len) == 0 && listen(fd, 16) == 0 && getsockname(fd, sa, &len) == 0
            }
        }
        guard ok else { close(fd); throw NSError(domain: "bind", code: Int(errno)) }
        self.fd = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
        thread = Thread {
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { return }
                var buffer = [UInt8](repeating: 0, count: 4096)
                _ = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                let reply = Array("this is not HTTP at all\r\n\r\n".utf8)
                _ = reply.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                close(client)
            }
        }
        thread.start()
    }

    func stop() {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
    }
}

/// An in-process Pavilion: a real SQLiteStore in a temp folder, the shipped
/// echo connector (re-pinned) in a temp connectors folder, the echo DP
/// stand-in, and the HostService on an ephemeral loopback port.
final class HostHarness {
    let root: URL
    let store: SQLiteStore
    let dp: EchoDP
    let service: HostService
    let logs = MemoryLogSink()
    let client: HTTPClient
    let clientGroup: EventLoopGroup
    let endpoint: Endpoint
    var adminKey = ""
    var acmeKey = ""
    var otherKey = ""

    /// Tenants `acme` and `other`, both with echo enabled.
    init(tls certificates: TestCertificates? = nil, limits: HostConfiguration.Limits = HostHarness.defaultLimits,
         overrides: ((Int) -> [String: [String: EndpointURL]])? = nil,
         credentials: CredentialsConfiguration? = nil, privacy: PrivacyConfiguration? = nil,
         configure: ((inout HostConfiguration) -> Void)? = nil) async throws {
        root = try TestEnvironment.makeTemporaryDirectory("pavilion-host")
        let connectors = root.appendingPathComponent("connectors.d")
        try HostHarness.installConnector("echo", into: connectors)
        store = try SQLiteStore(dataDirectory: root.appendingPathComponent("data").path)
        dp = try EchoDP()
        let acme = try TenantID("acme"), other = try TenantID("other")
        _ = try await store.createTenant(id: acme, name: "Acme Bank")
        _ = try await store.createTenant(id: other, name: "Other Shop")
        try await store.setConnector("echo", enabled: true, for: acme)
        try await store.setConnector("echo", enabled: true, for: other)
        adminKey = try await store.createAPIKey(kind: .admin, tenant: nil, label: "ops").token
        acmeKey = try await store.createAPIKey(kind: .tenant, tenant: acme, label: "backend").token
        otherKey = try await store.createAPIKey(kind: .tenant, tenant: other, label: "backend").token

        let dpPort = dp.port
        var config = HostConfiguration(
            file: root.appendingPathComponent("pavilion.yaml").path, listen: .init(host: "127.0.0.1", port: 0),
            tls: certificates.map { .init(certificate: $0.serverCert, privateKey: $0.serverKey) },
            dataDirectory: root.appendingPathComponent("data").path, connectorsDirectory: connectors.path,
            region: "local", limits: limits, logLevel: .debug)
        let local = try XCTUnwrap(EndpointURL("http://127.0.0.1:\(dpPort)"))
        config.endpointOverrides = overrides?(dpPort) ?? ["echo": ["local": local]]
        config.credentials = credentials
        config.privacy = privacy
        configure?(&config)
        service = try HostService.start(configuration: config, store: store, logger: Logger(level: .debug, sink: logs), threads: 1)
        clientGroup = try EventLoopGroup(threads: 1)
        let tls = TLSConfiguration.client(trustRoots: certificates.map { .caFile($0.caFile) } ?? .system)
        client = try HTTPClient(group: clientGroup, configuration: HTTPClientConfiguration(tls: tls))
        endpoint = Endpoint(scheme: certificates == nil ? .http : .https, host: "127.0.0.1", port: service.port)
    }

    static let defaultLimits: HostConfiguration.Limits = {
        var limits = HostConfiguration.Limits()
        limits.maxBodyBytes = 8 * 1024
        limits.maxHeaderBytes = 4 * 1024
        limits.requestTimeoutMs = 1_500
        return limits
    }()

    /// Copy a shipped manifest and its library into `directory` and pin the library's SHA-256.
    static func installConnector(_ name: String, into directory: URL) throws {
        let fm = FileManager.default
        try fm.createDirectory(at: directory.appendingPathComponent("lib"), withIntermediateDirectories: true)
        let source = TestEnvironment.packageRoot.appendingPathComponent("connectors.d")
        if !fm.fileExists(atPath: directory.appendingPathComponent("fixtures").path) {
            try fm.copyItem(at: source.appendingPathComponent("fixtures"), to: directory.appendingPathComponent("fixtures"))
        }
        let product = "pv_" + name.replacingOccurrences(of: "-", with: "_")
        let library = directory.appendingPathComponent("lib/lib\(product).so")
        try fm.copyItem(at: TestEnvironment.connectorLibrary(product), to: library)
        let sha = SHA256.hex(try Data(contentsOf: library))
        var text = try String(contentsOf: source.appendingPathComponent("\(name).yaml"), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            line.trimmingCharacters(in: .whitespaces).hasPrefix("sha256:")
                ? String(line.prefix { $0 == " " }) + "sha256: \(sha)" : String(line)
        }
        text = lines.joined(separator: "\n")
        try text.write(to: directory.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
    }

    /// Send a request to the host.
    func send(_ method: String, _ path: String, key: String? = nil, body: String? = nil,
              headers extra: [(String, String)] = []) async throws -> (status: Int, headers: HTTPHeaders, json: JSONValue?, text: String) {
        var headers = HTTPHeaders()
        if let key { headers.add(name: "authorization", value: "Bearer \(key)") }
        if body != nil { headers.add(name: "content-type", value: "application/json") }
        for (name, value) in extra { headers.add(name: name, value: value) }
        let request = HTTPClientRequest(method: method, target: path, headers: headers, body: Array((body ?? "").utf8))
        let response = try await client.send(request, to: endpoint, deadline: .now + .seconds(10))
        let text = String(decoding: response.body, as: UTF8.self)
        return (response.status, response.headers, try? JSONParser().parse(text), text)
    }

    /// A verification request body for the echo connector.
    static func echoBody(purpose: String = "testing", connector: String? = "echo", subject: String = "{}",
                         jurisdiction: String = "eu", extra: String = "") -> String {
        let c = connector.map { #""connector":"\#($0)","# } ?? ""
        return #"{\#(c)"claims":["echo"],"subject":\#(subject),"purpose":"\#(purpose)","jurisdiction":"\#(jurisdiction)"\#(extra)}"#
    }

    func stop() async {
        await service.shutdown(gracePeriod: .seconds(2))
        await dp.stop()
        client.shutdown()
        clientGroup.shutdown()
        try? FileManager.default.removeItem(at: root)
    }
}
