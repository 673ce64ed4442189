import Foundation
import PavilionTestSupport

/// A throwaway self-signed certificate for 127.0.0.1, made with the `openssl` command line.
struct SelfSignedCertificate {
    let certificate: String
    let key: String

    static func make() throws -> SelfSignedCertificate {
        let dir = try TestEnvironment.makeTemporaryDirectory("pavilion-sim-tls")
        let result = try TestEnvironment.run(
            URL(fileURLWithPath: "/usr/bin/openssl"),
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "key.pem",
             "-out", "cert.pem", "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
             "-addext", "basicConstraints=critical,CA:TRUE"],
            in: dir)
        guard result.status == 0 else {
            throw NSError(domain: "openssl", code: Int(result.status), userInfo: [NSLocalizedDescriptionKey: result.stderr])
        }
        return SelfSignedCertificate(certificate: dir.appendingPathComponent("cert.pem").path,
                                     key: dir.appendingPathComponent("key.pem").path)
    }
}
