import Foundation
import PavilionCrypto
import PavilionManifest
import PavilionNet
import PavilionTestSupport

/// A data provider on loopback that requires a client certificate from a
/// throwaway CA (mutual TLS), with client certificates issued by that CA.
/// Files live in a temporary folder: `ca.pem`, `dp.pem`/`dp.key`, and
/// `<name>.pem`/`<name>.key` for each client.
final class MutualTLSDP {
    let directory: URL
    let group: EventLoopGroup
    let server: HTTPServer
    var url: String { "https://127.0.0.1:\(server.port)" }

    /// - Parameters:
    ///   - clients: common names of the client certificates to issue.
    ///   - handler: the DP's answers.
    init(clients: [String], handler: @escaping HTTPHandler) throws {
        directory = try TestEnvironment.makeTemporaryDirectory("pavilion-mtls-dp")
        let ca = try CertificateAuthority.generate(commonName: "mTLS CA", validityDays: 1)
        let leaf = try ca.issueLeaf(commonName: "dp", dnsNames: [], ipAddresses: ["127.0.0.1"], validityDays: 1)
        let dir = directory
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        try PEMFile.write(ca.certificatePEM, to: path("ca.pem"), mode: PEMFile.publicMode)
        try PEMFile.write(leaf.certificatePEM, to: path("dp.pem"), mode: PEMFile.publicMode)
        try PEMFile.write(leaf.privateKeyPEM, to: path("dp.key"))
        for name in clients {
            let client = try ca.issueLeaf(commonName: name, dnsNames: ["\(name).example"], ipAddresses: [], validityDays: 1,
                                          usage: .client)
            try PEMFile.write(client.certificatePEM, to: path("\(name).pem"), mode: PEMFile.publicMode)
            try PEMFile.write(client.privateKeyPEM, to: path("\(name).key"))
        }
        group = try EventLoopGroup(threads: 1)
        server = try HTTPServer(configuration: HTTPServerConfiguration(
            tls: .server(certificateChainFile: path("dp.pem"), privateKeyFile: path("dp.key"), clientCAFile: path("ca.pem"))),
            group: group, handler: handler)
        try server.start()
    }

    /// The absolute path of a file in the folder.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Stop the server and delete the folder.
    func stop() async {
        await server.shutdown(gracePeriod: .zero)
        group.shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A one-region manifest named `name` whose endpoint is `url`.
    static func manifest(name: String, url: String) -> Manifest {
        Manifest(file: "t.yaml", metadata: .init(name: name, provider: "p", version: "1.0.0"),
                 library: .init(path: "l.so", declaredPath: "l.so", sha256: String(repeating: "0", count: 64), abi: 1),
                 formats: .init(input: ["json"], output: ["json"], credentials: []),
                 claims: [.init(name: "echo", type: "boolean", dataCategories: [])],
                 regions: [.init(name: "a", residency: .eu, priority: 1, endpoints: [url])],
                 compliance: .init(jurisdictions: [], dataCategories: [], lawfulBases: ["consent"], purposes: ["testing"],
                                   retention: "P1D"))
    }
}
