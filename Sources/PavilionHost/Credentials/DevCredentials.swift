import Foundation
import PavilionHSM

/// The credential keys of `serve --dev`: a software key store under the
/// data folder, sealed with a master key file (0600) beside it, holding one
/// ES256 and one Ed25519 key per region. Keys that exist are re-used, so
/// credentials issued by an earlier run keep verifying.
public enum DevCredentials {
    /// The key store's folder inside the data folder.
    public static let keysFolder = "credential-keys"
    /// The master key file inside the data folder.
    public static let masterKeyFile = "credential-master.key"

    /// Create what is missing and describe it as a `credentials:` section.
    /// - Parameters:
    ///   - dataDirectory: the dev data folder.
    ///   - regions: the regions of the shipped connectors.
    ///   - issuer: the issuer identifier (the dev server's URL).
    /// - Returns: the configuration to write.
    /// - Throws: ``SignerError`` when the store or a key cannot be created or opened.
    public static func prepare(dataDirectory: String, regions: [String], issuer: String) throws(SignerError) -> CredentialsConfiguration {
        let master = (dataDirectory as NSString).appendingPathComponent(masterKeyFile)
        let folder = (dataDirectory as NSString).appendingPathComponent(keysFolder)
        if !FileManager.default.fileExists(atPath: master) { try SoftwareKeyStore.createMasterKeyFile(at: master) }
        let store = try SoftwareKeyStore(directory: folder, masterKey: .file(master))
        let existing = Set(store.labels())
        var keys: [String: CredentialsConfiguration.RegionKeys] = [:]
        for region in Set(regions).sorted() {
            let stem = label(for: region)
            let labels = CredentialsConfiguration.RegionKeys(es256: stem + "-es256", edDSA: stem + "-eddsa")
            for (label, algorithm) in [(stem + "-es256", SigningAlgorithm.es256), (stem + "-eddsa", .edDSA)] {
                if existing.contains(label) {
                    _ = try store.signer(label: label)
                } else {
                    _ = try store.generate(label: label, algorithm: algorithm)
                }
            }
            keys[region] = labels
        }
        return CredentialsConfiguration(issuer: issuer, keys: .software(directory: folder, masterKeyFile: master), regions: keys)
    }

    /// The section as YAML, to append to the generated `pavilion.yaml`.
    public static func yaml(_ configuration: CredentialsConfiguration) -> String {
        var text = "credentials:\n  issuer: \"\(configuration.issuer)\"\n"
        switch configuration.keys {
        case .software(let directory, let masterKeyFile):
            text += "  keys:\n    software: { directory: \"\(directory)\", master_key_file: \"\(masterKeyFile)\" }\n"
        case .pkcs11(let module, let token, let pin):
            text += "  keys:\n    pkcs11: { module: \"\(module)\", token: \"\(token)\", pin_env: \"\(pin)\" }\n"
        }
        text += "  lifetime_seconds: \(configuration.lifetimeSeconds)\n  regions:\n"
        for (region, labels) in configuration.regions.sorted(by: { $0.key < $1.key }) {
            let members = [labels.es256.map { "es256: \"\($0)\"" }, labels.edDSA.map { "eddsa: \"\($0)\"" }].compactMap { $0 }
            text += "    \"\(region)\": { \(members.joined(separator: ", ")) }\n"
        }
        return text
    }

    /// A key label stem for a region name: `[A-Za-z0-9._-]`, others as `_`.
    /// - Parameter region: the region name.
    /// - Returns: the stem.
    public static func label(for region: String) -> String {
        let mapped = region.unicodeScalars.map { scalar -> Character in
            let allowed = scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || "._-".unicodeScalars.contains(scalar))
            return allowed ? Character(scalar) : "_"
        }
        let stem = String(mapped.prefix(48))
        return stem.hasPrefix(".") || stem.isEmpty ? "r" + stem : stem
    }
}
