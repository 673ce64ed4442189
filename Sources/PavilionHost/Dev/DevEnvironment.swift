import Foundation
import PavilionCore
import PavilionCrypto
import PavilionStore

/// The data `pavilion serve --dev` runs on: a private CA and a localhost
/// server certificate, a store with one tenant, an admin key and a tenant
/// key. Made on the first run, reused unchanged on later runs.
///
/// ```
/// DATA/                      0700
///   tls/                     0700
///     ca.pem                 0644  development CA (10 years)
///     ca-key.pem             0600
///     server.pem             0644  localhost, 127.0.0.1, ::1 (397 days)
///     server-key.pem         0600
///   dev-secrets.json         0600  {"version":1,"tenant":…,"admin_key":{id,token},"tenant_key":{id,token}}
///   pavilion.sqlite3 …             the store (see docs/store.md)
/// ```
public enum DevEnvironment {
    /// The development tenant's id unless another is given.
    public static let defaultTenant = "dev"
    /// The secrets file's name in the data directory.
    public static let secretsFileName = "dev-secrets.json"
    /// The folder of the TLS files in the data directory.
    public static let tlsFolderName = "tls"
    /// The names the server certificate is valid for.
    public static let serverDNSNames = ["localhost"]
    /// The addresses the server certificate is valid for.
    public static let serverIPAddresses = ["127.0.0.1", "::1"]
    /// Validity of the development CA, in days.
    public static let caValidityDays = 3650
    /// Validity of the server certificate, in days (the most browsers accept).
    public static let serverValidityDays = 397
    /// The version of the secrets file this code reads and writes.
    static let secretsVersion: Int64 = 1

    /// Make or reuse the development data in `dataDirectory`.
    ///
    /// First run: creates the folder (0700), the CA and server certificate
    /// with their keys (0600), the store, the tenant, an admin key and a
    /// tenant key, and writes the keys to `dev-secrets.json` (0600). Later
    /// runs load all of it back; only what is missing is made again (a
    /// missing or unusable CA also replaces the server certificate, and a key
    /// the store no longer accepts is replaced by a new one).
    /// - Parameters:
    ///   - dataDirectory: the data directory, e.g. `./.pavilion`.
    ///   - connectors: connector names to enable for the tenant (already
    ///     enabled ones stay enabled).
    ///   - tenant: the tenant's id.
    /// - Returns: paths, the open store, the tenant and both keys.
    /// - Throws: ``DevEnvironmentError``: `.corruptSecrets` for a
    ///   `dev-secrets.json` that cannot be read back, `.tls` for certificate
    ///   files that do not load, `.store`, `.fileSystem`.
    public static func prepare(dataDirectory: String, connectors: [String] = [],
                               tenant: String = defaultTenant) async throws(DevEnvironmentError) -> DevSetup {
        let tenantID: TenantID
        do {
            tenantID = try TenantID(tenant)
        } catch {
            throw DevEnvironmentError(.store, error.reason)
        }
        let tls = (dataDirectory as NSString).appendingPathComponent(tlsFolderName)
        try makePrivateDirectory(dataDirectory)
        try makePrivateDirectory(tls)
        let files = TLSFiles(folder: tls)
        var created = try prepareTLS(files)

        let store: SQLiteStore
        do {
            store = try SQLiteStore(dataDirectory: dataDirectory)
        } catch {
            throw DevEnvironmentError(.store, "cannot open the store in \(dataDirectory): \(error.reason)")
        }
        let secretsFile = (dataDirectory as NSString).appendingPathComponent(secretsFileName)
        do throws(StoreError) {
            if try await store.tenant(id: tenantID) == nil {
                _ = try await store.createTenant(id: tenantID, name: "Development tenant")
                created = true
            }
            for connector in connectors {
                try await store.setConnector(connector, enabled: true, for: tenantID)
            }
        } catch {
            throw DevEnvironmentError(.store, "cannot set up tenant \(tenantID) in \(dataDirectory): \(error.reason)")
        }

        let saved = try readSecrets(secretsFile, tenant: tenantID)
        let admin = try await usableKey(saved?.admin, kind: .admin, tenant: nil, store: store)
        let tenantKey = try await usableKey(saved?.tenant, kind: .tenant, tenant: tenantID, store: store)
        if saved == nil || admin.isNew || tenantKey.isNew {
            try writeSecrets(secretsFile, tenant: tenantID, admin: admin.key, tenantKey: tenantKey.key)
            created = true
        }
        let enabled: [String]
        do {
            enabled = try await store.enabledConnectors(for: tenantID)
        } catch {
            throw DevEnvironmentError(.store, "cannot read the connectors of tenant \(tenantID): \(error.reason)")
        }
        return DevSetup(dataDirectory: dataDirectory, caCertificateFile: files.caCertificate, caKeyFile: files.caKey,
                        serverCertificateFile: files.serverCertificate, serverKeyFile: files.serverKey,
                        secretsFile: secretsFile, store: store, tenant: tenantID, adminKey: admin.key,
                        tenantKey: tenantKey.key, enabledConnectors: enabled, createdAnything: created)
    }

    // MARK: TLS

    private struct TLSFiles {
        var caCertificate: String
        var caKey: String
        var serverCertificate: String
        var serverKey: String

        init(folder: String) {
            func path(_ name: String) -> String { (folder as NSString).appendingPathComponent(name) }
            caCertificate = path("ca.pem")
            caKey = path("ca-key.pem")
            serverCertificate = path("server.pem")
            serverKey = path("server-key.pem")
        }
    }

    /// Load or make the CA and the server certificate; `true` when anything was made.
    private static func prepareTLS(_ files: TLSFiles) throws(DevEnvironmentError) -> Bool {
        let manager = FileManager.default
        var created = false
        let ca: CertificateAuthority
        if manager.fileExists(atPath: files.caCertificate), manager.fileExists(atPath: files.caKey) {
            let certificate = try readText(files.caCertificate)
            let key = try readText(files.caKey)
            do {
                ca = try CertificateAuthority(certificatePEM: certificate, privateKeyPEM: key)
            } catch {
                throw DevEnvironmentError(.tls, "\(files.caCertificate) and \(files.caKey) do not form a usable CA (\(error)); "
                                          + "delete the tls folder to make new ones (clients must then trust the new ca.pem)")
            }
            try tighten(files.caKey)
        } else {
            do {
                ca = try CertificateAuthority.generate(commonName: "Pavilion development CA", validityDays: caValidityDays)
                try PEMFile.write(ca.privateKeyPEM, to: files.caKey, mode: PEMFile.privateMode)
                try PEMFile.write(ca.certificatePEM, to: files.caCertificate, mode: PEMFile.publicMode)
            } catch {
                throw DevEnvironmentError(.tls, "cannot make the development CA in \(files.caCertificate): \(error)")
            }
            created = true
        }
        let serverExists = manager.fileExists(atPath: files.serverCertificate) && manager.fileExists(atPath: files.serverKey)
        if created || !serverExists {
            do {
                let server = try ca.issueLeaf(commonName: "localhost", dnsNames: serverDNSNames, ipAddresses: serverIPAddresses,
                                              validityDays: serverValidityDays, usage: .server)
                try PEMFile.write(server.privateKeyPEM, to: files.serverKey, mode: PEMFile.privateMode)
                try PEMFile.write(server.certificatePEM, to: files.serverCertificate, mode: PEMFile.publicMode)
            } catch {
                throw DevEnvironmentError(.tls, "cannot issue the development server certificate \(files.serverCertificate): \(error)")
            }
            created = true
        } else {
            try tighten(files.serverKey)
        }
        return created
    }

    // MARK: Keys and the secrets file

    private struct SavedSecrets {
        var admin: DevAPIKey
        var tenant: DevAPIKey
    }

    /// The saved keys, `nil` when there is no secrets file.
    private static func readSecrets(_ path: String, tenant: TenantID) throws(DevEnvironmentError) -> SavedSecrets? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let text = try readText(path)
        let advice = "; delete it to issue new development keys"
        let json: JSONValue
        do {
            json = try JSONParser().parse(text)
        } catch {
            throw DevEnvironmentError(.corruptSecrets, "\(path) is not JSON (\(error))" + advice)
        }
        guard json["version"]?.intValue == secretsVersion else {
            throw DevEnvironmentError(.corruptSecrets, "\(path) has no \"version\": \(secretsVersion)" + advice)
        }
        guard json["tenant"]?.stringValue == tenant.rawValue else {
            throw DevEnvironmentError(.corruptSecrets, "\(path) is for tenant \(json["tenant"]?.stringValue ?? "(none)"), not \(tenant)" + advice)
        }
        func key(_ field: String) throws(DevEnvironmentError) -> DevAPIKey {
            guard let id = json[field]?["id"]?.stringValue, id.hasPrefix("key_"),
                  let token = json[field]?["token"]?.stringValue, token.hasPrefix("pvk_") else {
                throw DevEnvironmentError(.corruptSecrets, "\(path): \"\(field)\" must be {\"id\": \"key_…\", \"token\": \"pvk_…\"}" + advice)
            }
            return DevAPIKey(id: id, token: token)
        }
        let secrets = SavedSecrets(admin: try key("admin_key"), tenant: try key("tenant_key"))
        try tighten(path)
        return secrets
    }

    /// `saved` when the store still accepts it as a key of `kind`, else a new key.
    private static func usableKey(_ saved: DevAPIKey?, kind: APIKeyKind, tenant: TenantID?,
                                  store: SQLiteStore) async throws(DevEnvironmentError) -> (key: DevAPIKey, isNew: Bool) {
        do throws(StoreError) {
            if let saved, case .authenticated(let key) = try await store.authenticate(token: saved.token),
               key.id.rawValue == saved.id, key.kind == kind, key.tenantID == tenant {
                return (saved, false)
            }
            let issued = try await store.createAPIKey(kind: kind, tenant: tenant, label: "dev")
            return (DevAPIKey(id: issued.key.id.rawValue, token: issued.token), true)
        } catch {
            throw DevEnvironmentError(.store, "cannot issue the development \(kind.rawValue) key: \(error.reason)")
        }
    }

    private static func writeSecrets(_ path: String, tenant: TenantID, admin: DevAPIKey,
                                     tenantKey: DevAPIKey) throws(DevEnvironmentError) {
        let json: JSONValue = [
            "version": .int(secretsVersion),
            "tenant": .string(tenant.rawValue),
            "admin_key": ["id": .string(admin.id), "token": .string(admin.token)],
            "tenant_key": ["id": .string(tenantKey.id), "token": .string(tenantKey.token)],
        ]
        do {
            try PEMFile.write(json.prettySerialized + "\n", to: path, mode: PEMFile.privateMode)
        } catch {
            throw DevEnvironmentError(.fileSystem, "cannot write \(path): \(error)")
        }
    }

    // MARK: Files

    private static func makePrivateDirectory(_ path: String) throws(DevEnvironmentError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw DevEnvironmentError(.fileSystem, "\(path) exists and is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw DevEnvironmentError(.fileSystem, "cannot create \(path): \(error.localizedDescription)")
        }
    }

    private static func readText(_ path: String) throws(DevEnvironmentError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw DevEnvironmentError(.fileSystem, "cannot read \(path): \(error.localizedDescription)")
        }
    }

    /// Set a secret file found readable by others back to 0600.
    private static func tighten(_ path: String) throws(DevEnvironmentError) {
        do {
            if try PEMFile.permissions(of: path) & 0o077 != 0 {
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            }
        } catch {
            throw DevEnvironmentError(.fileSystem, "cannot secure \(path): \(error)")
        }
    }
}
