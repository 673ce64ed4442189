import Foundation
import PavilionCore

extension CredentialsConfiguration {
    /// Read the `credentials:` mapping of `root`, reporting problems with their positions.
    /// - Parameters:
    ///   - reader: collects positioned problems.
    ///   - root: the document's root mapping.
    ///   - path: resolves a relative path against the configuration's folder.
    /// - Returns: the section, or `nil` when absent or wrong.
    static func parse(_ reader: inout ConfigReader, root: [String: JSONValue]?,
                      path: (String) -> String) -> CredentialsConfiguration? {
        guard let section = reader.mapping("credentials", in: root,
                                           allowed: ["issuer", "keys", "regions", "lifetime_seconds", "status_base_url",
                                                     "status_ttl_seconds", "status_list_size", "key_publish_lead_seconds",
                                                     "key_refresh_seconds", "tenant_max_age_seconds"]) else { return nil }
        let issuer = reader.string("credentials.issuer", in: section, key: "issuer", required: true)
        if let issuer, !(issuer.hasPrefix("https://") || issuer.hasPrefix("did:")) || issuer.contains("#") || issuer.contains("?") {
            reader.error("credentials.issuer", "credentials.issuer must be an https URL (or a DID) without query or fragment, not \"\(issuer)\"")
        }
        let lifetime = reader.integer("credentials.lifetime_seconds", in: section, key: "lifetime_seconds",
                                      range: 60...(366 * 86_400)) ?? 86_400
        var source: KeySource?
        if let keys = reader.mapping("credentials.keys", in: section, required: true, allowed: ["software", "pkcs11"]) {
            if keys.count != 1 {
                reader.error("credentials.keys", "credentials.keys names exactly one of software, pkcs11")
            } else if let s = reader.mapping("credentials.keys.software", in: keys, allowed: ["directory", "master_key_file"]) {
                let dir = reader.string("credentials.keys.software.directory", in: s, key: "directory", required: true)
                let master = reader.string("credentials.keys.software.master_key_file", in: s, key: "master_key_file", required: true)
                if let dir, let master { source = .software(directory: path(dir), masterKeyFile: path(master)) }
            } else if let p = reader.mapping("credentials.keys.pkcs11", in: keys, allowed: ["module", "token", "pin_env"]) {
                let module = reader.string("credentials.keys.pkcs11.module", in: p, key: "module", required: true)
                let token = reader.string("credentials.keys.pkcs11.token", in: p, key: "token", required: true)
                let pin = reader.string("credentials.keys.pkcs11.pin_env", in: p, key: "pin_env", required: true)
                if let module, let token, let pin { source = .pkcs11(module: path(module), token: token, pinEnvironment: pin) }
            }
        }
        var regions: [String: RegionKeys] = [:]
        if let r = reader.mapping("credentials.regions", in: section, required: true, allowed: nil) {
            for (name, _) in r.sorted(by: { $0.key < $1.key }) {
                let key = "credentials.regions.\(name)"
                guard let labels = reader.mapping(key, in: r, allowed: ["es256", "eddsa"]) else { continue }
                let es256 = reader.string("\(key).es256", in: labels, key: "es256")
                let edDSA = reader.string("\(key).eddsa", in: labels, key: "eddsa")
                if es256 == nil, edDSA == nil { reader.error(key, "region '\(name)' names no key (es256, eddsa)") }
                regions[name] = RegionKeys(es256: es256, edDSA: edDSA)
            }
        }
        guard let issuer, let source else { return nil }
        var configuration = CredentialsConfiguration(issuer: issuer, keys: source, regions: regions, lifetimeSeconds: lifetime)
        if let base = reader.string("credentials.status_base_url", in: section, key: "status_base_url") {
            if EndpointURL(base) == nil {
                reader.error("credentials.status_base_url", "credentials.status_base_url must be an http(s) URL without query or fragment, not \"\(base)\"")
            } else {
                configuration.statusBaseURL = base.hasSuffix("/") ? String(base.dropLast()) : base
            }
        }
        configuration.statusTimeToLiveSeconds = reader.integer("credentials.status_ttl_seconds", in: section,
                                                               key: "status_ttl_seconds", range: 1...86_400) ?? 300
        configuration.statusListSize = reader.integer("credentials.status_list_size", in: section, key: "status_list_size",
                                                      range: 131_072...(1 << 23)) ?? 131_072
        configuration.keyPublishLeadSeconds = reader.integer("credentials.key_publish_lead_seconds", in: section,
                                                             key: "key_publish_lead_seconds", range: 0...(30 * 86_400)) ?? 300
        configuration.keyRefreshSeconds = reader.integer("credentials.key_refresh_seconds", in: section,
                                                         key: "key_refresh_seconds", range: 1...86_400) ?? 30
        if let ages = reader.mapping("credentials.tenant_max_age_seconds", in: section, allowed: nil) {
            for (tenant, _) in ages.sorted(by: { $0.key < $1.key }) {
                if let seconds = reader.integer("credentials.tenant_max_age_seconds.\(tenant)", in: ages, key: tenant,
                                                range: 60...(366 * 86_400)) {
                    configuration.tenantMaxAgeSeconds[tenant] = seconds
                }
            }
        }
        return configuration
    }
}
