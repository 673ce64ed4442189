import Foundation
import PavilionCrypto
import PavilionTestSupport
import XCTest

final class CertificateAuthorityTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = try TestEnvironment.makeTemporaryDirectory("pavilion-x509")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func file(_ name: String) -> String { directory.appendingPathComponent(name).path }

    private func openssl(_ arguments: [String]) throws -> TestEnvironment.ProcessResult {
        try TestEnvironment.run(URL(fileURLWithPath: "/usr/bin/openssl"), arguments, in: directory)
    }

    /// A CA and a server leaf written to the temp folder.
    private func writeChain(usage: CertificateUsage = .server) throws -> (CertificateAuthority, IssuedCertificate) {
        let ca = try CertificateAuthority.generate(commonName: "Pavilion test CA", validityDays: 30)
        let leaf = try ca.issueLeaf(commonName: "localhost", dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"],
                                    validityDays: 7, usage: usage)
        try PEMFile.write(ca.certificatePEM, to: file("ca.pem"), mode: PEMFile.publicMode)
        try PEMFile.write(ca.privateKeyPEM, to: file("ca-key.pem"))
        try PEMFile.write(leaf.certificatePEM, to: file("server.pem"), mode: PEMFile.publicMode)
        try PEMFile.write(leaf.privateKeyPEM, to: file("server-key.pem"))
        return (ca, leaf)
    }

    func testIssuedChainVerifiesWithTheOpenSSLCommandLine() throws {
        _ = try writeChain()
        let verify = try openssl(["verify", "-CAfile", "ca.pem", "-purpose", "sslserver", "server.pem"])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
        XCTAssertTrue(verify.stdout.contains("server.pem: OK"), verify.stdout)
        let hostCheck = try openssl(["verify", "-CAfile", "ca.pem", "-verify_hostname", "localhost", "server.pem"])
        XCTAssertEqual(hostCheck.status, 0, hostCheck.stdout + hostCheck.stderr)
        let wrongHost = try openssl(["verify", "-CAfile", "ca.pem", "-verify_hostname", "example.com", "server.pem"])
        XCTAssertNotEqual(wrongHost.status, 0, wrongHost.stdout)
        let ip = try openssl(["verify", "-CAfile", "ca.pem", "-verify_ip", "::1", "server.pem"])
        XCTAssertEqual(ip.status, 0, ip.stdout + ip.stderr)
    }

    func testCACertificateHasTheCAProfile() throws {
        _ = try writeChain()
        let text = try openssl(["x509", "-in", "ca.pem", "-text", "-noout"])
        XCTAssertEqual(text.status, 0, text.stderr)
        let out = text.stdout
        XCTAssertTrue(out.contains("Version: 3"), out)
        XCTAssertTrue(out.contains("Signature Algorithm: ecdsa-with-SHA256"), out)
        XCTAssertTrue(out.contains("Public-Key: (256 bit)"), out)
        XCTAssertTrue(out.contains("NIST CURVE: P-256"), out)
        XCTAssertTrue(out.contains("Subject: CN = Pavilion test CA"), out)
        XCTAssertTrue(out.contains("Issuer: CN = Pavilion test CA"), out)
        XCTAssertTrue(out.contains("X509v3 Basic Constraints: critical\n                CA:TRUE, pathlen:0"), out)
        XCTAssertTrue(out.contains("X509v3 Key Usage: critical\n                Certificate Sign, CRL Sign"), out)
        XCTAssertTrue(out.contains("X509v3 Subject Key Identifier"), out)
    }

    func testLeafCertificateHasTheServerProfile() throws {
        _ = try writeChain()
        let text = try openssl(["x509", "-in", "server.pem", "-text", "-noout"])
        XCTAssertEqual(text.status, 0, text.stderr)
        let out = text.stdout
        XCTAssertTrue(out.contains("Issuer: CN = Pavilion test CA"), out)
        XCTAssertTrue(out.contains("Subject: CN = localhost"), out)
        XCTAssertTrue(out.contains("X509v3 Basic Constraints: critical\n                CA:FALSE"), out)
        XCTAssertTrue(out.contains("X509v3 Key Usage: critical\n                Digital Signature"), out)
        XCTAssertTrue(out.contains("X509v3 Extended Key Usage: \n                TLS Web Server Authentication\n"), out)
        XCTAssertTrue(out.contains("X509v3 Authority Key Identifier"), out)
        XCTAssertTrue(out.contains("DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1"), out)
        XCTAssertTrue(out.contains("Signature Algorithm: ecdsa-with-SHA256"), out)
    }

    func testClientUsageCarriesClientAuth() throws {
        _ = try writeChain(usage: .serverAndClient)
        let text = try openssl(["x509", "-in", "server.pem", "-text", "-noout"])
        XCTAssertTrue(text.stdout.contains("TLS Web Server Authentication, TLS Web Client Authentication"), text.stdout)
        let verify = try openssl(["verify", "-CAfile", "ca.pem", "-purpose", "sslclient", "server.pem"])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
    }

    func testSerialsAreRandom128BitNumbers() throws {
        let ca = try CertificateAuthority.generate(commonName: "Pavilion test CA", validityDays: 30)
        var serials: Set<String> = []
        for i in 0..<4 {
            let leaf = try ca.issueLeaf(commonName: "leaf", dnsNames: ["localhost"], ipAddresses: [], validityDays: 1)
            try PEMFile.write(leaf.certificatePEM, to: file("leaf\(i).pem"), mode: PEMFile.publicMode)
            let serial = try openssl(["x509", "-in", "leaf\(i).pem", "-noout", "-serial"])
            let hex = serial.stdout.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "serial=", with: "")
            XCTAssertGreaterThan(hex.count, 16, hex)  // about 32 hex digits; a leading zero byte may be dropped
            XCTAssertLessThanOrEqual(hex.count, 32, hex)
            serials.insert(hex)
        }
        XCTAssertEqual(serials.count, 4)
    }

    func testPrivateKeysArePKCS8P256() throws {
        let (ca, leaf) = try writeChain()
        XCTAssertTrue(ca.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"), ca.privateKeyPEM)
        XCTAssertTrue(leaf.privateKeyPEM.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        let check = try openssl(["pkey", "-in", "server-key.pem", "-noout", "-text"])
        XCTAssertEqual(check.status, 0, check.stderr)
        XCTAssertTrue(check.stdout.contains("NIST CURVE: P-256"), check.stdout)
    }

    func testLoadedAuthorityIssuesCertificatesThatVerify() throws {
        let (ca, _) = try writeChain()
        let loaded = try CertificateAuthority(certificatePEM: ca.certificatePEM, privateKeyPEM: ca.privateKeyPEM)
        XCTAssertEqual(loaded.certificatePEM, ca.certificatePEM)
        XCTAssertEqual(loaded.privateKeyPEM, ca.privateKeyPEM)
        let leaf = try loaded.issueLeaf(commonName: "again", dnsNames: ["service.test"], ipAddresses: [], validityDays: 2)
        try PEMFile.write(leaf.certificatePEM, to: file("again.pem"), mode: PEMFile.publicMode)
        let verify = try openssl(["verify", "-CAfile", "ca.pem", "again.pem"])
        XCTAssertEqual(verify.status, 0, verify.stdout + verify.stderr)
    }

    func testGarbagePEMIsRefusedNamingTheCall() throws {
        let ca = try CertificateAuthority.generate(commonName: "Pavilion test CA", validityDays: 30)
        for garbage in ["", "not pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                        String(ca.certificatePEM.prefix(100))] {
            XCTAssertThrowsError(try CertificateAuthority(certificatePEM: garbage, privateKeyPEM: ca.privateKeyPEM)) { error in
                XCTAssertEqual((error as? CryptoError)?.call, "PEM_read_bio_X509", "\(error)")
            }
            XCTAssertThrowsError(try CertificateAuthority(certificatePEM: ca.certificatePEM, privateKeyPEM: garbage)) { error in
                XCTAssertEqual((error as? CryptoError)?.call, "PEM_read_bio_PrivateKey", "\(error)")
            }
        }
        XCTAssertThrowsError(try CertificateAuthority(certificatePEM: ca.privateKeyPEM, privateKeyPEM: ca.privateKeyPEM)) { error in
            let crypto = error as? CryptoError
            XCTAssertEqual(crypto?.call, "PEM_read_bio_X509")
            XCTAssertTrue(crypto?.reason.contains("no start line") == true, "\(error)")
        }
    }

    func testMismatchedKeyIsRefused() throws {
        let one = try CertificateAuthority.generate(commonName: "CA one", validityDays: 30)
        let two = try CertificateAuthority.generate(commonName: "CA two", validityDays: 30)
        XCTAssertThrowsError(try CertificateAuthority(certificatePEM: one.certificatePEM, privateKeyPEM: two.privateKeyPEM)) { error in
            let crypto = error as? CryptoError
            XCTAssertEqual(crypto?.call, "X509_check_private_key", "\(error)")
            XCTAssertTrue(crypto?.reason.contains("mismatch") == true, "\(error)")
        }
    }

    func testALeafCannotBeLoadedAsAnAuthority() throws {
        let ca = try CertificateAuthority.generate(commonName: "Pavilion test CA", validityDays: 30)
        let leaf = try ca.issueLeaf(commonName: "leaf", dnsNames: ["localhost"], ipAddresses: [], validityDays: 1)
        XCTAssertThrowsError(try CertificateAuthority(certificatePEM: leaf.certificatePEM, privateKeyPEM: leaf.privateKeyPEM)) { error in
            XCTAssertEqual((error as? CryptoError)?.call, "X509_check_ca", "\(error)")
        }
    }

    func testBadNamesAndValiditiesAreRefused() throws {
        XCTAssertThrowsError(try CertificateAuthority.generate(commonName: "", validityDays: 30))
        XCTAssertThrowsError(try CertificateAuthority.generate(commonName: String(repeating: "x", count: 65), validityDays: 30))
        XCTAssertThrowsError(try CertificateAuthority.generate(commonName: "bad\nname", validityDays: 30))
        XCTAssertThrowsError(try CertificateAuthority.generate(commonName: "CA", validityDays: 0))
        XCTAssertThrowsError(try CertificateAuthority.generate(commonName: "CA", validityDays: 36_501))
        let ca = try CertificateAuthority.generate(commonName: "CA", validityDays: 30)
        let refused: [([String], [String])] = [
            ([], []),
            (["localhost,IP:10.0.0.1"], []),
            (["bad name"], []),
            (["-leading.example"], []),
            (["trailing-.example"], []),
            (["a..b"], []),
            (["foo.*.example"], []),
            ([String(repeating: "a", count: 64) + ".example"], []),
            ([], ["256.0.0.1"]),
            ([], ["localhost"]),
            ([], ["::1,DNS:evil.example"]),
        ]
        for (dns, ips) in refused {
            XCTAssertThrowsError(try ca.issueLeaf(commonName: "leaf", dnsNames: dns, ipAddresses: ips, validityDays: 1),
                                 "\(dns) \(ips)") { error in
                XCTAssertEqual((error as? CryptoError)?.call, "CertificateAuthority.issueLeaf", "\(error)")
            }
        }
        XCTAssertNoThrow(try ca.issueLeaf(commonName: "leaf", dnsNames: ["*.pavilion.test", "a-b.c"], ipAddresses: ["10.1.2.3", "fe80::1"],
                                          validityDays: 1))
    }
}
