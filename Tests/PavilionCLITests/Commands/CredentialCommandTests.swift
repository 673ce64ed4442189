import Foundation
import PavilionCore
import PavilionCredentials
import PavilionCrypto
import PavilionHSM
import PavilionTestSupport
import XCTest

/// `pavilion credential verify`: each format verifies from a file or stdin,
/// tampering and expiry fail naming the check, garbage fails with a reason,
/// usage errors exit 2.
final class CredentialCommandTests: XCTestCase {
    static let issuer = "https://issuer.example"
    private var dir: URL!
    private var es256: SoftwareSigner!
    private var edDSA: SoftwareSigner!
    private var trustFile: String { dir.appendingPathComponent("jwks.json").path }

    override func setUpWithError() throws {
        dir = try TestEnvironment.makeTemporaryDirectory("pavilion-credential-cli")
        let store = try SoftwareKeyStore(directory: dir.appendingPathComponent("keys").path, masterKey: .bytes(Array(repeating: 7, count: 32)))
        es256 = try store.generate(label: "es256", algorithm: .es256)
        edDSA = try store.generate(label: "eddsa", algorithm: .edDSA)
        let keys: [JSONValue] = [es256 as any Signer, edDSA as any Signer].map { signer in
            var members = signer.publicKey.jwkMembers.mapValues(JSONValue.string)
            members["kid"] = .string(signer.keyID)
            members["alg"] = .string(signer.algorithm.rawValue)
            return .object(members)
        }
        try JSONValue.object(["keys": .array(keys)]).serialized.write(toFile: trustFile, atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(at: dir) }

    private func credential(validUntil: Date = Date().addingTimeInterval(3600)) throws -> VerifiableCredential {
        try VerifiableCredential(types: ["PavilionVerification"], issuer: Self.issuer, subject: ["age_over_18": true],
                                 validFrom: Date().addingTimeInterval(-60), validUntil: validUntil)
    }

    private func write(_ text: String, _ name: String = "credential.txt") throws -> String {
        let path = dir.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func verify(_ arguments: [String], stdin: String? = nil) throws -> (status: Int32, report: JSONValue?, stderr: String) {
        let result = try TestEnvironment.pavilion(["credential", "verify"] + arguments, in: dir, stdin: stdin.map { Data($0.utf8) })
        return (result.status, try? JSONParser().parse(result.stdout), result.stderr)
    }

    private func check(_ report: JSONValue?, _ name: String) -> JSONValue? {
        report?["checks"]?.arrayValue?.first { $0["name"]?.stringValue == name }
    }

    private func failed(_ report: JSONValue?) -> [String] {
        (report?["checks"]?.arrayValue ?? []).filter { $0["passed"] == false }.compactMap { $0["name"]?.stringValue }
    }

    func testVCJWTInAFileVerifiesWithTheTrustedJWKS() throws {
        let token = try VCJWT.secure(try credential(), signer: SignerJWSAdapter(es256))
        let r = try verify(["--trust", trustFile, try write(token)])
        XCTAssertEqual(r.status, 0, "\(String(describing: r.report)) \(r.stderr)")
        XCTAssertEqual(r.report?["valid"], true)
        XCTAssertEqual(r.report?["format"], "vc+jwt")
        XCTAssertEqual(check(r.report, "signature")?["passed"], true)
        XCTAssertEqual(check(r.report, "validityPeriod")?["passed"], true)
        XCTAssertEqual(check(r.report, "status")?["passed"], .null)
        XCTAssertEqual(check(r.report, "status")?["reason"], "not checked (no status entry)")
    }

    /// A vc+jwt whose header carries an x5c chain: leaf (its key signs) then the CA.
    private func x5cCredential(leafCA ca: CertificateAuthority) throws -> String {
        let leaf = try ca.issueLeaf(commonName: "issuer.example", dnsNames: ["issuer.example"], ipAddresses: [], validityDays: 1)
        let key = try ECPrivateKey(pemRepresentation: leaf.privateKeyPEM)
        let chain = try [leaf.certificatePEM, ca.certificatePEM].map { pem in
            JSONValue.string(Data(try X509Certificate(pemRepresentation: pem).derRepresentation()).base64EncodedString())
        }
        let signer = try JWKSigner(key: JWK(.ec(key.publicKey, key)), algorithm: .es256)
        return try JWS.signCompact(payload: JSONValue.object(try credential().json).serializedBytes, signer: signer,
                                   header: ["typ": "vc+jwt", "x5c": .array(chain)])
    }

    func testX5CChainToTheTrustAnchorsVerifiesAndOthersAreRefusedWithTheReason() throws {
        let ca = try CertificateAuthority.generate(commonName: "Pavilion x5c test CA", validityDays: 2)
        let other = try CertificateAuthority.generate(commonName: "Some other CA", validityDays: 2)
        let anchors = try write(ca.certificatePEM, "anchors.pem")
        let otherAnchors = try write(other.certificatePEM, "other-anchors.pem")
        let token = try x5cCredential(leafCA: ca)
        let path = try write(token)

        let good = try verify(["--trust-anchors", anchors, path])
        XCTAssertEqual(good.status, 0, "\(String(describing: good.report)) \(good.stderr)")
        XCTAssertEqual(check(good.report, "signature")?["passed"], true)

        let untrusted = try verify(["--trust-anchors", otherAnchors, path])
        XCTAssertEqual(untrusted.status, 1)
        XCTAssertEqual(failed(untrusted.report), ["signature"])
        XCTAssertTrue(check(untrusted.report, "signature")?["reason"]?.stringValue?.contains("x5c chain") == true,
                      "\(String(describing: untrusted.report))")

        // A broken chain: an x5c element that is not a certificate.
        var parts = token.split(separator: ".").map(String.init)
        var header = try JWS.unverifiedHeader(ofCompact: token)
        header["x5c"] = ["not base64 at all!"]
        parts[0] = PavilionCredentials.Base64URL.encode(JSONValue.object(header).serializedBytes)
        let broken = try verify(["--trust-anchors", anchors, try write(parts.joined(separator: "."), "broken.txt")])
        XCTAssertEqual(broken.status, 1)
        XCTAssertEqual(failed(broken.report), ["signature"])

        let notPEM = try verify(["--trust-anchors", try write("hello", "bad.pem"), path])
        XCTAssertEqual(notPEM.status, 2, notPEM.stderr)
        XCTAssertTrue(notPEM.stderr.contains("--trust-anchors"), notPEM.stderr)
    }

    func testTamperedVCJWTFailsNamingSignature() throws {
        let token = try VCJWT.secure(try credential(), signer: SignerJWSAdapter(es256))
        var parts = token.split(separator: ".").map(String.init)
        var payload = try JSONParser().parse(bytes: try PavilionCredentials.Base64URL.decode(parts[1])).objectValue ?? [:]
        payload["credentialSubject"] = ["age_over_18": false]
        parts[1] = PavilionCredentials.Base64URL.encode(JSONValue.object(payload).serializedBytes)
        let r = try verify(["--trust", trustFile, try write(parts.joined(separator: "."))])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.report?["valid"], false)
        XCTAssertEqual(failed(r.report), ["signature"])
    }

    func testVCJWTWithoutTrustedKeysFailsNamingSignature() throws {
        let token = try VCJWT.secure(try credential(), signer: SignerJWSAdapter(es256))
        let r = try verify([try write(token)])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(failed(r.report), ["signature"])
        XCTAssertTrue(check(r.report, "signature")?["reason"]?.stringValue?.contains("--trust") == true)
    }

    func testExpiredCredentialFailsNamingTheValidityPeriod() throws {
        let token = try VCJWT.secure(try credential(), signer: SignerJWSAdapter(es256))
        let later = String(Int(Date().timeIntervalSince1970) + 7200)
        let r = try verify(["--trust", trustFile, "--now", later, try write(token)])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(failed(r.report), ["validityPeriod"])
    }

    func testSDJWTVCFromStdinVerifies() throws {
        let issued = try SDJWTVCIssuer(signer: es256).issue(SDJWTVCClaims(issuer: Self.issuer, vct: "https://pavilion.dev/vct/verification",
                                                                            claims: ["age_over_18": true]), holderKey: nil)
        let r = try verify(["--trust", trustFile, "-"], stdin: issued.sdJWT.serialized)
        XCTAssertEqual(r.status, 0, "\(String(describing: r.report))")
        XCTAssertEqual(r.report?["format"], "dc+sd-jwt")

        // A disclosure from nowhere is refused, naming the disclosures.
        let foreign = try Disclosure(salt: "c2FsdA", claimName: "age_over_21", value: true)
        let bad = try verify(["--trust", trustFile, "-"], stdin: issued.sdJWT.serialized + foreign.encoded + "~")
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(failed(bad.report), ["disclosures"])
    }

    func testDataIntegrityVerifiesThroughItsDIDKeyAndTamperingFailsNamingSignature() throws {
        let secured = try DataIntegrity.addProof(to: try credential().jsonValue,
                                                 options: DataIntegrityProofOptions(cryptosuite: .eddsaJcs2022, created: Date()),
                                                 signer: edDSA)
        let r = try verify([try write(secured.serialized)])
        XCTAssertEqual(r.status, 0, "\(String(describing: r.report))")
        XCTAssertEqual(r.report?["format"], "vc-di")
        XCTAssertEqual(check(r.report, "trust")?["passed"], .null)
        let trusted = try verify(["--trust", trustFile, try write(secured.serialized)])
        XCTAssertEqual(trusted.status, 0)
        XCTAssertEqual(check(trusted.report, "trust")?["passed"], true)

        guard case .object(var members) = secured else { return XCTFail("not an object") }
        members["credentialSubject"] = ["age_over_18": false]
        let bad = try verify([try write(JSONValue.object(members).serialized)])
        XCTAssertEqual(bad.status, 1)
        XCTAssertEqual(failed(bad.report), ["signature"])
    }

    func testGarbageFailsWithAClearReason() throws {
        for garbage in ["hello world", "{not json", "{\"no\":\"proof\"}", "a.b.c", ""] {
            let r = try verify([try write(garbage)])
            XCTAssertEqual(r.status, 1, garbage)
            XCTAssertEqual(r.report?["valid"], false, garbage)
            XCTAssertEqual(failed(r.report), ["format"], garbage)
            XCTAssertFalse(check(r.report, "format")?["reason"]?.stringValue?.isEmpty ?? true, garbage)
        }
    }

    func testUsageErrorsExitTwo() throws {
        let file = try write("x")
        for arguments in [[], [file, file], ["--bogus", file], ["--now", "soon", file], [dir.appendingPathComponent("missing").path],
                          ["--trust", dir.appendingPathComponent("missing.json").path, file], ["--trust", file, file]] {
            let r = try verify(arguments)
            XCTAssertEqual(r.status, 2, "\(arguments): \(r.stderr)")
        }
        let noSubcommand = try TestEnvironment.pavilion(["credential"], in: dir)
        XCTAssertEqual(noSubcommand.status, 2)
    }
}
