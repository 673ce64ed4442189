import Foundation
import PavilionCore
import PavilionCrypto
import PavilionHost
import PavilionManifest
import PavilionSimulators

/// `pavilion serve --dev [--data DIR] [--connectors DIR] [--port N]`: the
/// embedded default a newcomer runs. It makes (or reuses) a data folder with
/// a private CA and server certificate, a store with tenant `dev` and its
/// keys, starts a DP simulator for each shipped connector on loopback,
/// writes a configuration pointing the connectors' regions at them (with
/// credential signing keys per region, see ``DevCredentials``), and runs
/// the same server as `serve --config`. Once ready it writes `DIR/dev.json`
/// and prints a `curl` command that works as printed.
enum DevServe {
    /// Which simulator answers for which shipped connector.
    static let simulators: [String: SimulatorKind] = ["camara-kyc-match": .camara, "fhir-patient": .fhir, "echo": .echo,
                                                      "fraud-list": .fraudList]

    static func run(_ args: Arguments) throws -> Int32 {
        let data = absolute(args.option("data") ?? ".pavilion")
        let connectors = absolute(args.option("connectors") ?? "connectors.d")
        guard let port = Int(args.option("port") ?? "8443"), (0...65535).contains(port) else {
            throw UsageError("--port must be 0…65535")
        }
        let manifests = try loadManifests(connectors)
        let names = manifests.map(\.name)
        let setup = try Blocking.run { try await DevEnvironment.prepare(dataDirectory: data, connectors: names) }

        var running: [DPSimulator] = []
        defer { Blocking.wait { [running] in for simulator in running { await simulator.shutdown() } } }
        var overrides: [String: [String: String]] = [:]
        for manifest in manifests {
            guard let kind = simulators[manifest.name] else { continue }
            let simulator = try DPSimulator(configuration: SimulatorConfiguration(kind: kind))
            try simulator.start()
            running.append(simulator)
            overrides[manifest.name] = Dictionary(uniqueKeysWithValues: manifest.regions.map { ($0.name, simulator.url) })
        }

        let secrets = (data as NSString).appendingPathComponent("connector-secrets.yaml")
        try PEMFile.write(connectorSecrets(tenant: setup.tenant.rawValue, manifests: manifests), to: secrets)
        let configPath = (data as NSString).appendingPathComponent("pavilion.yaml")
        let credentials = try DevCredentials.prepare(dataDirectory: data, regions: manifests.flatMap { $0.regions.map(\.name) },
                                                     issuer: "https://127.0.0.1:\(port)")
        try PEMFile.write(configuration(port: port, setup: setup, connectors: connectors, secrets: secrets,
                                        overrides: overrides) + DevCredentials.yaml(credentials), to: configPath)
        let configuration: HostConfiguration
        do { configuration = try HostConfiguration.load(path: configPath) } catch {
            Output.err(error.description)
            return 1
        }
        let logger = Logger(level: configuration.logLevel,
                            sink: BackgroundLogSink(base: StandardErrorLogSink()))
        defer { logger.flush() }
        return ServeCommand.serve(configuration: configuration, store: setup.store, logger: logger) { service in
            let examples = manifests.compactMap { example(for: $0) }
            let devFile = (data as NSString).appendingPathComponent("dev.json")
            let dev: JSONValue = [
                "base_url": .string(service.baseURL),
                "ca_file": .string(setup.caCertificateFile),
                "admin_key": .string(setup.adminKey.token),
                "tenant": .string(setup.tenant.rawValue),
                "tenant_key": .string(setup.tenantKey.token),
                "config_file": .string(configPath),
                "examples": .array(examples.map { ["connector": $0["connector"] ?? .null, "request": $0] }),
            ]
            try PEMFile.write(dev.prettySerialized + "\n", to: devFile)
            Output.out("Pavilion is serving at \(service.baseURL) (development mode; data in \(data)).")
            Output.out("Keys and one example request per connector: \(devFile)")
            if let first = examples.first(where: { $0["connector"] == "fhir-patient" }) ?? examples.first {
                Output.out("Try it:\n\n" + curl(service.baseURL, ca: setup.caCertificateFile, key: setup.tenantKey.token, body: first) + "\n")
            }
        }
    }

    static func absolute(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// The manifests in the folder that load; a bad one is reported and left out.
    static func loadManifests(_ folder: String) throws -> [Manifest] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UsageError("no connectors folder at \(folder): run from the repository root (where connectors.d is) or pass --connectors DIR")
        }
        var manifests: [Manifest] = []
        for file in try ManifestLoader.manifestFiles(in: folder) {
            do {
                manifests.append(try ManifestLoader.load(path: file))
            } catch {
                Output.err(error.description)
            }
        }
        return manifests
    }

    /// The simulators' client credentials, for every connector that has
    /// secrets, for the dev tenant (YAML `tenant → connector → name → value`).
    static func connectorSecrets(tenant: String, manifests: [Manifest]) -> String {
        var lines = ["# Written by pavilion serve --dev: the DP simulators' test credentials.", "\(tenant):"]
        for manifest in manifests where !manifest.secrets.isEmpty {
            lines.append("  \(manifest.name):")
            for secret in manifest.secrets {
                let value = secret.name == "client_id" ? "test-client" : "s3cr3t"
                lines.append("    \(secret.name): \"\(value)\"")
            }
        }
        if lines.count == 2 { lines[1] = "{}" }
        return lines.joined(separator: "\n") + "\n"
    }

    static func configuration(port: Int, setup: DevSetup, connectors: String, secrets: String,
                              overrides: [String: [String: String]]) -> String {
        var text = """
            # Written by pavilion serve --dev on every start; see docs/operations.md.
            listen: { host: 127.0.0.1, port: \(port) }
            tls:
              certificate: "\(setup.serverCertificateFile)"
              private_key: "\(setup.serverKeyFile)"
            data_dir: "\(setup.dataDirectory)"
            connectors_dir: "\(connectors)"
            secrets_file: "\(secrets)"
            log_level: info

            """
        if !overrides.isEmpty {
            text += "endpoint_overrides:\n"
            for (connector, regions) in overrides.sorted(by: { $0.key < $1.key }) {
                text += "  \(connector):\n"
                for (region, url) in regions.sorted(by: { $0.key < $1.key }) { text += "    \(region): \"\(url)\"\n" }
            }
        }
        return text
    }

    /// A request that succeeds against the simulator's seed people.
    static func example(for manifest: Manifest) -> JSONValue? {
        let purpose = JSONValue.string(manifest.compliance.purposes.first ?? "")
        let zone = JSONValue.string(manifest.regions.first?.residency.rawValue ?? "eu")
        let request: JSONValue
        switch manifest.name {
        case "fhir-patient":
            request = ["connector": "fhir-patient", "claims": ["age_over_18"], "purpose": purpose, "jurisdiction": zone,
                       "subject": ["identifier": "urn:oid:2.16.840.1.113883.4.1|123-45-6789"]]
        case "camara-kyc-match":
            request = ["connector": "camara-kyc-match", "claims": ["given_name_match", "family_name_match"],
                       "purpose": purpose, "jurisdiction": zone,
                       "subject": ["phone_number": "+34600000001", "given_name": "Ana", "family_name": "García"]]
        case "echo":
            request = ["connector": "echo", "claims": ["echo"], "purpose": purpose, "jurisdiction": zone, "subject": [:]]
        case "fraud-list":
            // Listed in the simulator's register; the register only ever sees it blinded.
            request = ["connector": "fraud-list", "claims": ["listed"], "purpose": purpose, "jurisdiction": zone,
                       "subject": ["phone_number": "+34 600 000 002"]]
        default:
            return nil
        }
        guard case .object(var fields) = request else { return request }
        if let basis = manifest.compliance.lawfulBases.first { fields["lawful_basis"] = .string(basis) }
        return .object(fields)
    }

    /// A `curl` command line for `body`, single-quoted for a POSIX shell.
    static func curl(_ base: String, ca: String, key: String, body: JSONValue) -> String {
        func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return "curl -sS --cacert \(quote(ca)) \\\n  -H \(quote("Authorization: Bearer \(key)")) \\\n"
            + "  -H 'Content-Type: application/json' \\\n  -d \(quote(body.serialized)) \\\n  \(base)/v1/verifications"
    }
}
