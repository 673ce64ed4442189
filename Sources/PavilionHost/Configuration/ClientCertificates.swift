import Foundation
import PavilionManifest
import PavilionCore

/// `connectivity.client_certificates`: the client certificate a tenant
/// presents to a connector's data provider (mutual TLS), as
/// `tenant → connector → {certificate, private_key}`. See docs/connectivity.md.
public struct TenantClientCertificate: Sendable, Hashable {
    /// PEM certificate chain, leaf first (absolute path once loaded).
    public var certificate: String
    /// PEM private key of the leaf (absolute path once loaded).
    public var privateKey: String

    /// - Parameters: the fields above.
    public init(certificate: String, privateKey: String) {
        self.certificate = certificate
        self.privateKey = privateKey
    }

    /// Read `connectivity` from the root mapping: tenant and connector names
    /// must be slugs, both files must exist and be readable.
    /// - Returns: tenant → connector → files (empty when absent).
    static func parse(_ reader: inout ConfigReader, root: [String: JSONValue]?,
                      path: (String) -> String) -> [String: [String: TenantClientCertificate]] {
        guard let c = reader.mapping("connectivity", in: root, allowed: ["client_certificates"]),
              let tenants = reader.mapping("connectivity.client_certificates", in: c, allowed: nil) else { return [:] }
        var out: [String: [String: TenantClientCertificate]] = [:]
        for (tenant, _) in tenants.sorted(by: { $0.key < $1.key }) {
            let tenantPath = "connectivity.client_certificates.\(tenant)"
            if !TokenShape.isSlug(tenant) {
                reader.error(tenantPath, "tenant id \"\(tenant)\" in 'connectivity.client_certificates' is not a slug ([a-z0-9][a-z0-9-]{0,62})")
            }
            guard let connectors = reader.mapping(tenantPath, in: tenants, allowed: nil) else { continue }
            for (connector, _) in connectors.sorted(by: { $0.key < $1.key }) {
                let key = "\(tenantPath).\(connector)"
                if !Manifest.isValidName(connector) {
                    reader.error(key, "connector name \"\(connector)\" in '\(tenantPath)' is not a connector name ([a-z][a-z0-9-]{0,62})")
                }
                guard let files = reader.mapping(key, in: connectors, required: true, allowed: ["certificate", "private_key"]) else {
                    continue
                }
                let cert = reader.string("\(key).certificate", in: files, key: "certificate", required: true).map(path)
                let privateKey = reader.string("\(key).private_key", in: files, key: "private_key", required: true).map(path)
                for (field, file) in [("certificate", cert), ("private_key", privateKey)] {
                    if let file, !FileManager.default.isReadableFile(atPath: file) {
                        reader.error("\(key).\(field)", "'\(key).\(field)': cannot read \(file) (missing or not readable)")
                    }
                }
                if let cert, let privateKey {
                    out[tenant, default: [:]][connector] = TenantClientCertificate(certificate: cert, privateKey: privateKey)
                }
            }
        }
        return out
    }
}
