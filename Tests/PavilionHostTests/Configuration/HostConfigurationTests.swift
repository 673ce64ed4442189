import Foundation
import PavilionCore
import PavilionHost
import PavilionManifest
import PavilionTestSupport
import XCTest

final class HostConfigurationTests: XCTestCase {
    private func parse(_ text: String, file: String = "/etc/pavilion/pavilion.yaml") throws -> HostConfiguration {
        let document = try YAMLDocument.parse(bytes: Array(text.utf8), file: file)
        return try HostConfiguration.parse(document)
    }

    private func problems(_ text: String) throws -> [String] {
        do {
            _ = try parse(text)
            XCTFail("accepted:\n\(text)")
            return []
        } catch let error as HostConfigurationError {
            return error.diagnostics.map(\.description)
        }
    }

    func testFullConfigurationIsReadWithPathsRelativeToTheFile() throws {
        let config = try parse("""
            listen: { host: 0.0.0.0, port: 8443 }
            tls: { certificate: tls/server.pem, private_key: tls/server.key, client_ca: /etc/ca.pem }
            data_dir: data
            connectors_dir: ../connectors.d
            region: eu-west
            limits: { max_body_bytes: 1000, max_header_bytes: 2048, header_timeout_ms: 1, request_timeout_ms: 2, idle_timeout_ms: 3 }
            secrets_file: secrets.yaml
            endpoint_overrides:
              echo: { local: "http://127.0.0.1:18080/base/" }
            dp_ca_file: dp-ca.pem
            log_level: debug
            """)
        XCTAssertEqual(config.listen, .init(host: "0.0.0.0", port: 8443))
        XCTAssertEqual(config.tls, .init(certificate: "/etc/pavilion/tls/server.pem", privateKey: "/etc/pavilion/tls/server.key",
                                         clientCA: "/etc/ca.pem"))
        XCTAssertEqual(config.dataDirectory, "/etc/pavilion/data")
        XCTAssertEqual(config.connectorsDirectory, "/etc/connectors.d")
        XCTAssertEqual(config.region, "eu-west")
        XCTAssertEqual(config.limits.maxBodyBytes, 1000)
        XCTAssertEqual(config.limits.idleTimeoutMs, 3)
        XCTAssertEqual(config.secretsFile, "/etc/pavilion/secrets.yaml")
        XCTAssertEqual(config.endpointOverrides["echo"]?["local"]?.endpoint.port, 18080)
        XCTAssertEqual(config.endpointOverrides["echo"]?["local"]?.target(for: "/echo"), "/base/echo")
        XCTAssertEqual(config.dpCAFile, "/etc/pavilion/dp-ca.pem")
        XCTAssertEqual(config.logLevel, .debug)
    }

    func testEventLoopsIsOptionalAndBounded() throws {
        let base = "listen: { host: 127.0.0.1, port: 0 }\ntls: off\ndata_dir: d\nconnectors_dir: c\n"
        XCTAssertNil(try parse(base).eventLoops)
        XCTAssertEqual(try parse(base + "event_loops: 3\n").eventLoops, 3)
        XCTAssertEqual(try problems(base + "event_loops: 0\n").count, 1)
        XCTAssertEqual(try problems(base + "event_loops: many\n").count, 1)
        XCTAssertGreaterThanOrEqual(HostService.defaultEventLoops, 1)
        XCTAssertEqual(HostService.defaultEventLoops, max(1, ProcessInfo.processInfo.activeProcessorCount))
    }

    func testPlainHTTPOnlyWhenExplicitAndLoopback() throws {
        let ok = try parse("listen: { host: 127.0.0.1, port: 0 }\ntls: off\ndata_dir: d\nconnectors_dir: c\n")
        XCTAssertNil(ok.tls)
        XCTAssertEqual(try problems("listen: { host: 0.0.0.0, port: 80 }\ntls: off\ndata_dir: d\nconnectors_dir: c\n"),
                       ["/etc/pavilion/pavilion.yaml:2:6: error: tls: off is only allowed when listen.host is a loopback address; 0.0.0.0 is not"])
        XCTAssertEqual(try problems("listen: { host: 127.0.0.1, port: 0 }\ndata_dir: d\nconnectors_dir: c\n"),
                       ["/etc/pavilion/pavilion.yaml:1:1: error: missing key 'tls' (give certificate and private_key, or 'tls: off' on a loopback address)"])
    }

    func testEveryProblemIsReportedWithItsPosition() throws {
        let found = try problems("""
            listen:
              host: localhost
              port: 70000
            tls: off
            data_dir: 12
            conectors_dir: c
            limits:
              max_body_byte: 10
            log_level: loud
            endpoint_overrides:
              echo: { local: "ftp://x" }
            """)
        XCTAssertEqual(found, [
            "/etc/pavilion/pavilion.yaml:1:1: error: missing key 'connectors_dir'",
            "/etc/pavilion/pavilion.yaml:2:9: error: listen.host must be an IP literal (e.g. 127.0.0.1 or ::), not \"localhost\"",
            "/etc/pavilion/pavilion.yaml:3:9: error: 'listen.port' must be in 0...65535, not 70000",
            "/etc/pavilion/pavilion.yaml:5:11: error: 'data_dir' must be a non-empty string, not integer",
            "/etc/pavilion/pavilion.yaml:6:16: error: unknown key 'conectors_dir' (expected one of: connectivity, connectors_dir, credentials, data_dir, dp_ca_file, endpoint_overrides, event_loops, limits, listen, log_level, privacy, region, secrets_file, tls)",
            "/etc/pavilion/pavilion.yaml:8:18: error: unknown key 'max_body_byte' in 'limits' (expected one of: header_timeout_ms, idle_timeout_ms, max_body_bytes, max_header_bytes, request_timeout_ms)",
            "/etc/pavilion/pavilion.yaml:9:12: error: log_level must be one of debug, info, warn, error; not \"loud\"",
            "/etc/pavilion/pavilion.yaml:11:18: error: \"ftp://x\" is not a base URL (http(s)://host[:port][/path])",
        ])
    }

    func testSecretsFileMustBeOwnerOnly() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("pavilion-secrets")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("secrets.yaml").path
        try "acme:\n  camara-kyc-match:\n    client_id: abc\n    client_secret: s3cr3t\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        XCTAssertThrowsError(try SecretsFile.load(path: path)) { error in
            XCTAssertTrue("\(error)".contains("accessible by group or others (mode 644)"), "\(error)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let table = try SecretsFile.load(path: path)
        let provider = SecretsFile(table: table)
        XCTAssertEqual(provider.secret(tenant: "acme", connector: "camara-kyc-match", name: "client_secret"), Array("s3cr3t".utf8))
        XCTAssertNil(provider.secret(tenant: "other", connector: "camara-kyc-match", name: "client_secret"))
        try "acme:\n  echo:\n    token: 12\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: path)
        XCTAssertThrowsError(try SecretsFile.load(path: path)) { error in
            XCTAssertTrue("\(error)".contains(":3:12: error: secret 'acme.echo.token' must be a string, not integer"), "\(error)")
        }
    }

    func testLoadReadsAFileFromDisk() throws {
        let dir = try TestEnvironment.makeTemporaryDirectory("pavilion-config")
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("pavilion.yaml").path
        try "listen: { host: \"::1\", port: 0 }\ntls: off\ndata_dir: data\nconnectors_dir: connectors.d\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        let config = try HostConfiguration.load(path: path)
        XCTAssertEqual(config.dataDirectory, dir.appendingPathComponent("data").standardizedFileURL.path)
        XCTAssertThrowsError(try HostConfiguration.load(path: dir.appendingPathComponent("missing.yaml").path))
    }
}
