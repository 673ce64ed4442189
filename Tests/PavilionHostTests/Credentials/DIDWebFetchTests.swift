import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionHost
import PavilionNet
import PavilionTestSupport
import Synchronization
import XCTest

/// Paths → documents the test server answers with.
private final class Documents: Sendable {
    let byPath = Mutex<[String: [UInt8]]>([:])
}

/// did:web documents fetched over the host's own HTTP client: real TLS on
/// loopback, the certificate checked against the name in the DID.
final class DIDWebFetchTests: XCTestCase {
    /// The DID's host; the client connects to 127.0.0.1 for it (like curl's
    /// `--resolve`), TLS still checks the certificate for this name.
    static let host = "issuer.pavilion.test"

    private var directory: URL!
    private var group: EventLoopGroup!
    private var server: HTTPServer!
    private let issuerKey = try! ECPrivateKey(curve: .p256)

    override func setUp() async throws {
        directory = try TestEnvironment.makeTemporaryDirectory("pavilion-did-web")
        let ca = try CertificateAuthority.generate(commonName: "Pavilion did:web test CA", validityDays: 2)
        let leaf = try ca.issueLeaf(commonName: Self.host, dnsNames: [Self.host], ipAddresses: [], validityDays: 1)
        try PEMFile.write(ca.certificatePEM, to: caFile, mode: PEMFile.publicMode)
        try PEMFile.write(leaf.certificatePEM, to: path("server.pem"), mode: PEMFile.publicMode)
        try PEMFile.write(leaf.privateKeyPEM, to: path("server.key"))
        group = try EventLoopGroup(threads: 1)
        let publicJWK = try JWK(.ec(issuerKey.publicKey, nil)).jsonValue()
        let documents = Documents()
        server = try HTTPServer(configuration: HTTPServerConfiguration(tls: .server(certificateChainFile: path("server.pem"),
                                                                                    privateKeyFile: path("server.key"))),
                                group: group) { request in
            guard let body = documents.byPath.withLock({ $0[request.path] }) else { return HTTPServerResponse(status: 404) }
            return HTTPServerResponse(status: 200, headers: ["content-type": "application/did+json"], body: body)
        }
        try server.start()
        let did = did
        let document: JSONValue = [
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": .string(did),
            "verificationMethod": [["id": .string(did + "#key-1"), "type": "JsonWebKey2020", "controller": .string(did),
                                    "publicKeyJwk": publicJWK]],
            "assertionMethod": [.string(did + "#key-1")],
        ]
        documents.byPath.withLock { $0["/.well-known/did.json"] = document.serializedBytes }
    }

    override func tearDown() async throws {
        await server?.shutdown(gracePeriod: .seconds(1))
        group?.shutdown()
        if let directory { try? FileManager.default.removeItem(at: directory) }
    }

    private var caFile: String { path("ca.pem") }
    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
    private var did: String { "did:web:\(Self.host)%3A\(server.port)" }

    private func client(trusting roots: TLSConfiguration.TrustRoots) throws -> HTTPClient {
        try HTTPClient(group: group, configuration: HTTPClientConfiguration(tls: .client(trustRoots: roots),
                                                                            addressOverrides: [Self.host: "127.0.0.1"]))
    }

    func testResolvesTheIssuersKeyOverTLS() async throws {
        let client = try client(trusting: .caFile(caFile))
        defer { client.shutdown() }
        let resolver = DIDResolver(webFetcher: HTTPDIDWebFetcher(client: client))
        let method = try await resolver.verificationMethod(did + "#key-1", for: .assertionMethod)
        XCTAssertEqual(method.publicKey.thumbprint, JWK(.ec(issuerKey.publicKey, nil)).thumbprint)
    }

    func testACredentialSignedUnderADIDWebVerifiesThroughTheHostVerifier() async throws {
        let client = try client(trusting: .caFile(caFile))
        defer { client.shutdown() }
        let signer = try JWKSigner(key: JWK(.ec(issuerKey.publicKey, issuerKey)), algorithm: .es256)
        let token = try JWS.signCompact(payload: JSONValue.object([
            "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
            "issuer": .string(did), "credentialSubject": ["age_over_18": true],
        ]).serializedBytes, signer: signer, header: ["typ": "vc+jwt", "kid": .string(did + "#key-1")])
        let verifier = CredentialVerifier(trusted: nil, clock: FixedCredentialClock(Date()),
                                          didWebFetcher: HTTPDIDWebFetcher(client: client))
        let report = await verifier.verify(token)
        XCTAssertTrue(report.isValid, "\(report.json.prettySerialized)")
        let withoutFetcher = await CredentialVerifier(trusted: nil, clock: FixedCredentialClock(Date())).verify(token)
        XCTAssertFalse(withoutFetcher.isValid, "without a did:web fetcher the key cannot be resolved")
    }

    func testAnUntrustedCertificateOrAMissingDocumentIsAFetchFailure() async throws {
        let untrusted = try client(trusting: .system)
        defer { untrusted.shutdown() }
        do {
            _ = try await DIDResolver(webFetcher: HTTPDIDWebFetcher(client: untrusted)).resolve(did)
            XCTFail("a certificate from an unknown CA must not be accepted")
        } catch {
            XCTAssertEqual(error.code, .fetchFailed, "\(error)")
        }
        let trusted = try client(trusting: .caFile(caFile))
        defer { trusted.shutdown() }
        do {
            _ = try await DIDResolver(webFetcher: HTTPDIDWebFetcher(client: trusted)).resolve(did + ":users:nobody")
            XCTFail("a 404 must not resolve")
        } catch {
            XCTAssertEqual(error.code, .fetchFailed, "\(error)")
        }
    }
}
