import Foundation
import PavilionCrypto
import PavilionTestSupport
import XCTest

/// Certificates from ``CertificateAuthority`` used by the real TLS engine:
/// both ends in-process over memory BIOs.
final class IssuedCertificateTLSTests: XCTestCase {
    private var directory: URL!
    private var caFile: String { directory.appendingPathComponent("ca.pem").path }
    private var serverFile: String { directory.appendingPathComponent("server.pem").path }
    private var serverKeyFile: String { directory.appendingPathComponent("server-key.pem").path }
    private var clientFile: String { directory.appendingPathComponent("client.pem").path }
    private var clientKeyFile: String { directory.appendingPathComponent("client-key.pem").path }

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory("pavilion-x509-tls")
        let ca = try CertificateAuthority.generate(commonName: "Pavilion TLS test CA", validityDays: 2)
        let server = try ca.issueLeaf(commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"],
                                      validityDays: 1)
        let client = try ca.issueLeaf(commonName: "relying-party", dnsNames: ["client.pavilion.test"], ipAddresses: [],
                                      validityDays: 1, usage: .client)
        try PEMFile.write(ca.certificatePEM, to: caFile, mode: PEMFile.publicMode)
        try PEMFile.write(server.certificatePEM, to: serverFile, mode: PEMFile.publicMode)
        try PEMFile.write(server.privateKeyPEM, to: serverKeyFile)
        try PEMFile.write(client.certificatePEM, to: clientFile, mode: PEMFile.publicMode)
        try PEMFile.write(client.privateKeyPEM, to: clientKeyFile)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Drive both handshakes to completion by moving ciphertext between them.
    private func handshake(_ client: TLSConnection, _ server: TLSConnection) throws {
        for _ in 0..<20 {
            var toServer: [UInt8] = []
            _ = try client.handshake()
            client.drainCiphertext(into: &toServer)
            server.feedCiphertext(toServer)
            var toClient: [UInt8] = []
            _ = try server.handshake()
            server.drainCiphertext(into: &toClient)
            client.feedCiphertext(toClient)
            if client.isHandshakeComplete, server.isHandshakeComplete, toClient.isEmpty, toServer.isEmpty { return }
        }
        XCTFail("handshake did not finish")
    }

    private func connect(serverName: String, mutual: Bool = false) throws -> (TLSConnection, TLSConnection) {
        let serverContext = try TLSContext(configuration: .server(certificateChainFile: serverFile, privateKeyFile: serverKeyFile,
                                                                  clientCAFile: mutual ? caFile : nil))
        let clientContext = try TLSContext(configuration: .client(trustRoots: .caFile(caFile),
                                                                  certificateChainFile: mutual ? clientFile : nil,
                                                                  privateKeyFile: mutual ? clientKeyFile : nil))
        let client = try TLSConnection(context: clientContext, serverName: serverName)
        let server = try TLSConnection(context: serverContext)
        try handshake(client, server)
        return (client, server)
    }

    func testHandshakeSucceedsForEveryNameInTheSubjectAltName() throws {
        for name in ["localhost", "127.0.0.1", "::1"] {
            let (client, server) = try connect(serverName: name)
            XCTAssertTrue(client.isHandshakeComplete, name)
            XCTAssertEqual(client.sessionInfo?.peerSubject, "CN=localhost")
            try client.writePlaintext(Array("ping".utf8))
            var wire: [UInt8] = []
            client.drainCiphertext(into: &wire)
            server.feedCiphertext(wire)
            var plaintext: [UInt8] = []
            _ = try server.readPlaintext(into: &plaintext)
            XCTAssertEqual(String(decoding: plaintext, as: UTF8.self), "ping")
        }
    }

    func testHandshakeFailsForANameNotInTheSubjectAltName() throws {
        for name in ["example.com", "127.0.0.2", "client.pavilion.test"] {
            XCTAssertThrowsError(try connect(serverName: name), name) { error in
                let crypto = error as? CryptoError
                XCTAssertEqual(crypto?.call, "SSL_do_handshake", "\(error)")
                XCTAssertTrue(crypto?.reason.contains("mismatch") == true, "\(error)")
            }
        }
    }

    func testMutualTLSWithAnIssuedClientCertificate() throws {
        let (_, server) = try connect(serverName: "localhost", mutual: true)
        XCTAssertEqual(server.sessionInfo?.peerSubject, "CN=relying-party")
    }

    func testAServerCertificateIsRefusedAsAClientCertificate() throws {
        let serverContext = try TLSContext(configuration: .server(certificateChainFile: serverFile, privateKeyFile: serverKeyFile,
                                                                  clientCAFile: caFile))
        // The server's certificate carries serverAuth only.
        let clientContext = try TLSContext(configuration: .client(trustRoots: .caFile(caFile), certificateChainFile: serverFile,
                                                                  privateKeyFile: serverKeyFile))
        let client = try TLSConnection(context: clientContext, serverName: "localhost")
        let server = try TLSConnection(context: serverContext)
        XCTAssertThrowsError(try handshake(client, server)) { error in
            XCTAssertTrue("\(error)".contains("unsuitable certificate purpose"), "\(error)")
        }
    }
}
