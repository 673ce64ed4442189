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
          bench abi|manifests                   print one JSON object of benchmark figures
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
