import Foundation
import PavilionCore
import PavilionNet
import PavilionPrivacy
import PavilionSimulators

/// `pavilion psi serve|query`: private set intersection between a client's
/// set file and a server's set file (one UTF-8 element per line) over HTTP
/// on loopback; the protocol is in `docs/psi.md`.
///
/// `serve` preprocesses the set once into a cache directory (reused while
/// the set file and key are unchanged), prints one JSON line
/// `{"psi":"serve","url":…,"mode":…,"set_size":N}` and serves until SIGTERM
/// or SIGINT. `query` prints `{"intersection":[…]}` (the client's elements
/// that are in the server's set, in file order) or `{"cardinality":N}`;
/// against a host's set, `--server` is `https://HOST/v1/privacy/psi/SET`
/// and `--key` the tenant's API key (or `PAVILION_API_KEY`).
/// Exit status 0 on success, 1 for a bad set file or a failed exchange, 2 usage.
enum PSICommand {
    static let usage = """
        psi serve --set FILE [--host IP] [--port N] [--cardinality] [--cache DIR] [--max-evaluations N]
               psi query --server URL --set FILE [--cardinality] [--key pvk_…]
        """

    static func run(_ words: [String]) throws -> Int32 {
        guard let sub = words.first else { throw UsageError("usage: pavilion \(usage)") }
        switch sub {
        case "serve": return try serve(Array(words.dropFirst()))
        case "query": return try query(Array(words.dropFirst()))
        default: throw UsageError("psi takes serve or query, not '\(sub)' (usage: pavilion \(usage))")
        }
    }

    // MARK: serve

    static func serve(_ words: [String]) throws -> Int32 {
        let args = try Arguments(words, flags: ["cardinality"], options: ["set", "host", "port", "cache", "max-evaluations"])
        guard args.positional.isEmpty else { throw UsageError("psi serve takes no positional arguments") }
        guard let setPath = args.option("set") else { throw UsageError("psi serve needs --set FILE") }
        let host = args.option("host") ?? "127.0.0.1"
        var port = 0
        if let text = args.option("port") {
            guard let value = Int(text), (0...65_535).contains(value) else { throw UsageError("--port must be an integer from 0 to 65535") }
            port = value
        }
        var budget: Int?
        if let text = args.option("max-evaluations") {
            guard let value = Int(text), value > 0 else { throw UsageError("--max-evaluations must be a positive integer") }
            budget = value
        }
        let mode: PSIMode = args.flag("cardinality") ? .cardinality : .intersection
        let set = try PSIServerSet.prepare(setPath: setPath, cacheDirectory: args.option("cache"), mode: mode) { Output.err($0) }
        let psi = PSIServer(set: set, maxEvaluations: budget)

        let group = try EventLoopGroup(threads: 1)
        let limits = HTTPRequestLimits(maxBodyBytes: PSIProtocol.maxBatch * PSIProtocol.pointLength + 4096)
        let configuration = HTTPServerConfiguration(host: host, port: port, limits: limits, requestTimeout: .seconds(120),
                                                     writeTimeout: .seconds(120))
        let server = try HTTPServer(configuration: configuration, group: group) { request in
            PSIRoutes.handle(request, psi)
        }
        try server.start()

        let stop = TerminationSignal()
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let line: JSONValue = ["psi": "serve", "url": .string("http://\(shownHost):\(server.port)"), "mode": .string(mode.rawValue),
                               "set_size": .int(Int64(set.count))]
        Output.out(line.serialized)
        stop.wait()
        Output.err("pavilion psi serve: stopping")
        Blocking.wait { await server.shutdown(gracePeriod: .seconds(2)) }
        group.shutdown()
        return 0
    }

    // MARK: query

    static func query(_ words: [String]) throws -> Int32 {
        let args = try Arguments(words, flags: ["cardinality"], options: ["server", "set", "key"])
        guard args.positional.isEmpty else { throw UsageError("psi query takes no positional arguments") }
        guard let url = args.option("server") else { throw UsageError("psi query needs --server URL") }
        guard let setPath = args.option("set") else { throw UsageError("psi query needs --set FILE") }
        let server = try PSIHTTPTransport.server(url)
        let key = args.option("key") ?? ProcessInfo.processInfo.environment["PAVILION_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if let key, key.isEmpty || !key.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline }) {
            throw UsageError("--key must be an API key such as pvk_…")
        }
        let elements = try PSISetReader(path: setPath).readAll()
        let cardinality = args.flag("cardinality")
        let group = try EventLoopGroup(threads: 1)
        defer { group.shutdown() }
        let transport = try PSIHTTPTransport(group: group, server: server, key: key)
        let result: JSONValue = try Blocking.run {
            if cardinality {
                let count = try await PSIClient.cardinality(elements: elements, transport: transport)
                return ["cardinality": .int(Int64(count))]
            }
            let indices = try await PSIClient.intersection(elements: elements, transport: transport)
            return ["intersection": .array(indices.map { .string(String(decoding: elements[$0], as: UTF8.self)) })]
        }
        Output.out(result.serialized)
        return 0
    }
}
