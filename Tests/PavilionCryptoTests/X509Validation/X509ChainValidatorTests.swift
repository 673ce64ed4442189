import Foundation
import PavilionCrypto
import PavilionTestSupport
import XCTest

/// Chain validation through X509_verify_cert: chains from CertificateAuthority
/// and from the openssl CLI for the odd cases, each refused with its reason.
final class X509ChainValidatorTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory("x509-validation")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Helpers

    private func openssl(_ arguments: [String]) throws {
        let result = try TestEnvironment.run(URL(fileURLWithPath: "/usr/bin/openssl"), arguments, in: directory)
        XCTAssertEqual(result.status, 0, "openssl \(arguments.joined(separator: " ")): \(result.stderr)")
    }

    private func certificate(_ name: String) throws -> X509Certificate {
        try X509Certificate(pemRepresentation: String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
    }

    /// A self-signed P-256 root made by the openssl CLI.
    private func makeRoot(_ name: String) throws {
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", "\(name).key", "-out", "\(name).pem", "-subj", "/CN=\(name)", "-days", "30",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                     "-addext", "subjectKeyIdentifier=hash"])
    }

    /// `name` signed by `issuer` with the given extensions.
    private func issue(_ name: String, by issuer: String, extensions: String) throws {
        try extensions.write(to: directory.appendingPathComponent("\(name).ext"), atomically: true, encoding: .utf8)
        try openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                     "-keyout", "\(name).key", "-out", "\(name).csr", "-subj", "/CN=\(name)"])
        try openssl(["x509", "-req", "-in", "\(name).csr", "-CA", "\(issuer).pem", "-CAkey", "\(issuer).key",
                     "-CAcreateserial", "-out", "\(name).pem", "-days", "20", "-extfile", "\(name).ext"])
    }

    private let caExtensions = "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    private let leafExtensions = "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"

    private func assertFails(_ body: @autoclosure () throws -> [X509Certificate], _ code: X509ValidationError.Code,
                             depth: Int? = nil, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try body(), file: file, line: line) { error in
            guard let failure = error as? X509ValidationError else { return XCTFail("\(error)", file: file, line: line) }
            XCTAssertEqual(failure.code, code, failure.description, file: file, line: line)
            XCTAssertFalse(failure.reason.isEmpty, file: file, line: line)
            if let depth { XCTAssertEqual(failure.depth, depth, failure.description, file: file, line: line) }
        }
    }

    // MARK: CertificateAuthority chains

    func testLeafIssuedByTrustedCAValidates() throws {
        let ca = try CertificateAuthority.generate(commonName: "Pavilion test CA", validityDays: 30)
        let leaf = try ca.issueLeaf(commonName: "issuer.test", dnsNames: ["issuer.test"], ipAddresses: [], validityDays: 10)
        let root = try X509Certificate(pemRepresentation: ca.certificatePEM)
        let path = try X509ChainValidator(anchors: [root]).validate(leaf: try X509Certificate(pemRepresentation: leaf.certificatePEM),
                                                                    purpose: .tlsServer)
        XCTAssertEqual(path.count, 2)
        XCTAssertEqual(path[0].subject, "CN=issuer.test")
        XCTAssertEqual(path[1], root)
    }

    func testExpiredAndNotYetValidAreNamedAtTheInjectedTime() throws {
        let ca = try CertificateAuthority.generate(commonName: "Pavilion test CA", validityDays: 3650)
        let leaf = try X509Certificate(pemRepresentation: try ca.issueLeaf(commonName: "short", dnsNames: ["short.test"], ipAddresses: [],
                                                                             validityDays: 1).certificatePEM)
        let validator = X509ChainValidator(anchors: [try X509Certificate(pemRepresentation: ca.certificatePEM)])
        XCTAssertNoThrow(try validator.validate(leaf: leaf, at: Date().addingTimeInterval(3_600)))
        assertFails(try validator.validate(leaf: leaf, at: Date().addingTimeInterval(3 * 86_400)), .expired, depth: 0)
        assertFails(try validator.validate(leaf: leaf, at: Date().addingTimeInterval(-86_400)), .notYetValid)
    }

    func testUntrustedRootIsRefused() throws {
        let ca = try CertificateAuthority.generate(commonName: "Real CA", validityDays: 30)
        let other = try CertificateAuthority.generate(commonName: "Other CA", validityDays: 30)
        let leaf = try X509Certificate(pemRepresentation: try ca.issueLeaf(commonName: "x", dnsNames: ["x.test"], ipAddresses: [],
                                                                             validityDays: 5).certificatePEM)
        let validator = X509ChainValidator(anchors: [try X509Certificate(pemRepresentation: other.certificatePEM)])
        assertFails(try validator.validate(leaf: leaf), .untrustedRoot, depth: 0)
        let selfSigned = try X509Certificate(pemRepresentation: ca.certificatePEM)
        assertFails(try validator.validate(leaf: selfSigned), .untrustedRoot, depth: 0)
        assertFails(try validator.validate(leaf: leaf, intermediates: [selfSigned]), .untrustedRoot, depth: 1)
    }

    func testTamperedSignatureIsRefused() throws {
        let ca = try CertificateAuthority.generate(commonName: "CA", validityDays: 30)
        let leaf = try X509Certificate(pemRepresentation: try ca.issueLeaf(commonName: "x", dnsNames: ["x.test"], ipAddresses: [],
                                                                             validityDays: 5).certificatePEM)
        var der = try leaf.derRepresentation()
        der[der.count - 1] ^= 0x01  // the last byte of the ECDSA signature's s
        let tampered = try X509Certificate(derRepresentation: der)
        let validator = X509ChainValidator(anchors: [try X509Certificate(pemRepresentation: ca.certificatePEM)])
        assertFails(try validator.validate(leaf: tampered), .badSignature, depth: 0)
    }

    func testWrongExtendedKeyUsageIsRefusedForThePurpose() throws {
        let ca = try CertificateAuthority.generate(commonName: "CA", validityDays: 30)
        let client = try X509Certificate(pemRepresentation: try ca.issueLeaf(commonName: "client", dnsNames: ["c.test"], ipAddresses: [],
                                                                               validityDays: 5, usage: .client).certificatePEM)
        let validator = X509ChainValidator(anchors: [try X509Certificate(pemRepresentation: ca.certificatePEM)])
        XCTAssertNoThrow(try validator.validate(leaf: client, purpose: .tlsClient))
        XCTAssertNoThrow(try validator.validate(leaf: client), "no purpose asked")
        assertFails(try validator.validate(leaf: client, purpose: .tlsServer), .invalidPurpose, depth: 0)
    }

    // MARK: openssl CLI chains

    func testIntermediateChainValidatesOnlyWithTheIntermediate() throws {
        try makeRoot("root")
        try issue("intermediate", by: "root", extensions: caExtensions)
        try issue("leaf", by: "intermediate", extensions: leafExtensions)
        let validator = X509ChainValidator(anchors: [try certificate("root.pem")])
        let path = try validator.validate(leaf: try certificate("leaf.pem"), intermediates: [try certificate("intermediate.pem")],
                                          purpose: .tlsServer)
        XCTAssertEqual(path.map(\.subject), ["CN=leaf", "CN=intermediate", "CN=root"])
        assertFails(try validator.validate(leaf: try certificate("leaf.pem")), .untrustedRoot, depth: 0)
    }

    func testIntermediateWithCAFalseIsRefused() throws {
        try makeRoot("root")
        try issue("intermediate", by: "root", extensions: "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,keyCertSign\n")
        try issue("leaf", by: "intermediate", extensions: leafExtensions)
        assertFails(try X509ChainValidator(anchors: [try certificate("root.pem")])
            .validate(leaf: try certificate("leaf.pem"), intermediates: [try certificate("intermediate.pem")]), .notCA, depth: 1)
    }

    func testIntermediateWithoutKeyCertSignIsRefused() throws {
        try makeRoot("root")
        try issue("intermediate", by: "root", extensions: "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,digitalSignature\n")
        try issue("leaf", by: "intermediate", extensions: leafExtensions)
        assertFails(try X509ChainValidator(anchors: [try certificate("root.pem")])
            .validate(leaf: try certificate("leaf.pem"), intermediates: [try certificate("intermediate.pem")]), .keyUsage, depth: 1)
    }

    func testPathLengthConstraintIsEnforced() throws {
        // CertificateAuthority's root says pathlen:0: it may not sign another CA.
        let ca = try CertificateAuthority.generate(commonName: "pathlen0", validityDays: 30)
        try ca.certificatePEM.write(to: directory.appendingPathComponent("root.pem"), atomically: true, encoding: .utf8)
        try ca.privateKeyPEM.write(to: directory.appendingPathComponent("root.key"), atomically: true, encoding: .utf8)
        try issue("intermediate", by: "root", extensions: caExtensions)
        try issue("leaf", by: "intermediate", extensions: leafExtensions)
        assertFails(try X509ChainValidator(anchors: [try certificate("root.pem")])
            .validate(leaf: try certificate("leaf.pem"), intermediates: [try certificate("intermediate.pem")]), .pathLength)
    }

    // MARK: x5c

    func testX5CChainParsesAndValidates() throws {
        try makeRoot("root")
        try issue("intermediate", by: "root", extensions: caExtensions)
        try issue("leaf", by: "intermediate", extensions: leafExtensions)
        let x5c = try ["leaf.pem", "intermediate.pem"].map { Data(try certificate($0).derRepresentation()).base64EncodedString() }
        let chain = try X509Certificate.chain(x5c: x5c)
        XCTAssertEqual(chain.map(\.subject), ["CN=leaf", "CN=intermediate"])
        XCTAssertEqual(chain[0].issuer, "CN=intermediate")
        let path = try X509ChainValidator(anchors: [try certificate("root.pem")]).validate(x5c: x5c)
        XCTAssertEqual(path.count, 3)
    }

    func testBadX5CIsRefused() throws {
        let validator = X509ChainValidator(anchors: [])
        assertFails(try validator.validate(x5c: []), .other)
        assertFails(try validator.validate(x5c: ["not base64!"]), .other)
        assertFails(try validator.validate(x5c: [Data("not a certificate".utf8).base64EncodedString()]), .other)
        let ca = try CertificateAuthority.generate(commonName: "CA", validityDays: 30)
        let der = try X509Certificate(pemRepresentation: ca.certificatePEM).derRepresentation()
        let urlSafe = Data(der).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        if urlSafe != Data(der).base64EncodedString() {
            assertFails(try validator.validate(x5c: [urlSafe]), .other)  // base64url is not x5c's encoding
        }
        XCTAssertThrowsError(try X509Certificate(derRepresentation: der + [0x00]), "trailing byte")
        XCTAssertThrowsError(try X509Certificate(derRepresentation: Array(der.dropLast(3))), "truncated")
    }
}
