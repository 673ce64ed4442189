import Foundation

/// `pavilion`: the host's command line.
@main
enum Pavilion {
    static let usage = """
        usage: pavilion <command> [arguments]

        commands:
          manifest lint PATH...                 check manifests (files or folders); problems as path:line:column: error: message
          manifest pin PATH...                  write each library's current SHA-256 into its manifest
          connectors list [--dir DIR] [--json]  the connectors a folder holds and their state
          connector test MANIFEST [--json]      run the conformance suite against one connector
          connector new NAME --lang c|swift [--dir DIR] [--kit PATH]
                                                scaffold a connector that passes conformance
          serve --config FILE                   run the service in the foreground (JSON logs on stderr;
                                                SIGHUP reloads, SIGTERM drains and exits)
          data validate --schema SCHEMA [--format-assertion] FILE...
                                                check JSON files ('-' for stdin) against a JSON Schema 2020-12;
                                                errors as file: /instance/pointer: /keyword/pointer: message
          bench abi|manifests                   print one JSON object of benchmark figures
          bench http [--quick] [--dir DIR] [--duration S] [--connections N] [--idle N]
                                                Pavilion vs nginx (needs nginx, wrk, python3)
          bench signing|privacy|data [--quick]  crypto, privacy and data-pipeline figures beside their references
          bench privacy --psi-10m               also one PSI of 10,000,000 x 10,000,000 (time, peak RSS of each side)
          tenants create ID [--name NAME] [--connectors a,b]
          tenants list | disable ID | enable ID
          tenants enable-connector|disable-connector ID CONNECTOR
                                                manage tenants in the store
          keys create (--tenant ID | --admin) [--label L]
                                                issue an API key; the key is printed once
          keys list [--tenant ID] | keys revoke KEY_ID
                                                list keys (never their secrets) or revoke one
          keys create --signing --region R [--alg ES256|EdDSA] [--label L] [--now] | keys list --signing
          keys rotate --region R [--alg ES256|EdDSA] [--now] | keys retire KID   (with --config FILE)
                                                credential signing keys: published -> active -> retired
          audit verify                          check the whole audit chain; exit 1 naming the first broken record
                                                (tenants, keys, audit: --data DIR (default ./.pavilion)
                                                 or --config FILE (its data_dir), and --json)
          simulate camara|fhir|echo [--host IP] [--port N] [--tls-cert FILE --tls-key FILE]
                   [--latency-ms N] [--error-rate R] [--client-id ID --client-secret S]
                                                run a DP simulator; prints {"simulator":…,"url":…}
          privacy receipt verify FILE [--key FILE] [--json]
                                                check a privacy receipt bundle offline (signature, inclusion, tree head)
          privacy oprf-key create|rotate|list TENANT [NAME] [--suite S] [--mode M] [--data DIR | --config FILE]
                                                OPRF keys per tenant and purpose, sealed in the store; rotate adds a version
          privacy log-key [--data DIR | --config FILE]  the receipt log's public key, to pin with receipt verify --key
          psi serve --set FILE [--host IP] [--port N] [--cardinality] [--cache DIR] [--max-evaluations N]
                                                serve private set intersection over a set file; prints {"psi":…,"url":…}
          psi query --server URL --set FILE [--cardinality] [--chunk N] [--temp DIR]
                                                print {"intersection":[…]} or {"cardinality":N} against a psi server
          credential verify [--trust JWKS] [--trust-anchors PEM] [--now UNIX] [--nonce N --audience A] [--max-age S] [--ca-file PEM] FILE|-
                                                check a vc+jwt, dc+sd-jwt or Data Integrity credential; prints a
                                                JSON report of each check; exit 0 valid, 1 invalid
          version                               print the version and the ABI version
        """

    static func main() {
        var words = CommandLine.arguments.dropFirst()
        let command = words.popFirst() ?? "help"
        let status: Int32
        do {
            switch command {
            case "manifest": status = try ManifestCommand.run(Array(words))
            case "connectors": status = try ConnectorsCommand.run(Array(words))
            case "connector": status = try ConnectorCommand.run(Array(words))
            case "serve": status = try ServeCommand.run(Array(words))
            case "bench": status = try BenchCommand.run(Array(words))
            case "tenants": status = try TenantsCommand.run(Array(words))
            case "keys": status = try KeysCommand.run(Array(words))
            case "audit": status = try AuditCommand.run(Array(words))
            case "simulate": status = try SimulateCommand.run(Array(words))
            case "data": status = try DataCommand.run(Array(words))
            case "privacy": status = try PrivacyCommand.run(Array(words))
            case "credential": status = try CredentialCommand.run(Array(words))
            case "psi": status = try PSICommand.run(Array(words))
            case "version", "--version": status = VersionCommand.run()
            case "help", "--help", "-h":
                Output.out(usage)
                status = 0
            default:
                throw UsageError("unknown command '\(command)'")
            }
        } catch let error as UsageError {
            Output.err("pavilion: \(error)")
            Output.err(usage)
            status = 2
        } catch {
            Output.err("pavilion: \(error)")
            status = 1
        }
        exit(status)
    }
}
