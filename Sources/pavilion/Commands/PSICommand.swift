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
/// and `--key` the tenant's API key (or `PAVILION_API_KEY`). The client
/// streams its set file: at most `--chunk N` digests (default 2^20) in
/// memory, sorted runs spilled to a private directory under `--temp DIR`
/// (default `TMPDIR`), removed when the query ends, fails or is stopped
/// by SIGTERM or SIGINT (exit status 128 + the signal).
/// Exit status 0 on success, 1 for a bad set file or a failed exchange, 2 usage.
enum PSICommand {
    static let usage = """
        psi serve --set FILE [--host IP] [--port N] [--cardinality] [--cache DIR] [--max-evaluations N]
               psi query --server URL --set FILE [--cardinality] [--key pvk_…] [--chunk N] [--temp DIR]
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
        let args = try Arguments(words, flags: ["cardinality"], options: ["server", "set", "key", "chunk", "temp"])
        guard args.positional.isEmpty else { throw UsageError("psi query takes no positional arguments") }
        guard let url = args.option("server") else { throw UsageError("psi query needs --server URL") }
        guard let setPath = args.option("set") else { throw UsageError("psi query needs --set FILE") }
        let server = try PSIHTTPTransport.server(url)
        let key = args.option("key") ?? ProcessInfo.processInfo.environment["PAVILION_API_KEY"].flatMap { $0.isEmpty ? nil : $0 }
        if let key, key.isEmpty || !key.allSatisfy({ $0.isASCII && !$0.isWhitespace && !$0.isNewline }) {
            throw UsageError("--key must be an API key such as pvk_…")
        }
        var chunk = PSIStreamingOptions.defaultChunkElements
        if let text = args.option("chunk") {
            guard let value = Int(text), value > 0 else { throw UsageError("--chunk must be a positive number of elements") }
            chunk = value
        }
        // The client's run directory goes inside one of ours, which a signal removes too.
        let scratch = try ScratchDirectory(parent: args.option("temp"), prefix: "pavilion-psi-query")
        defer { scratch.remove() }
        let options = PSIStreamingOptions(chunkElements: chunk, temporaryDirectory: scratch.path)
        let cardinality = args.flag("cardinality")
        let group = try EventLoopGroup(threads: 1)
        defer { group.shutdown() }
        let transport = try PSIHTTPTransport(group: group, server: server, key: key)
        try Blocking.run {
            if cardinality {
                let count = try await PSIClient.cardinality(setPath: setPath, transport: transport, options: options)
                Output.out(JSONValue.object(["cardinality": .int(Int64(count))]).serialized)
                return
            }
            // The elements are written as they come (second pass, file order), 64 KiB at a time.
            var pending = Array("{\"intersection\":[".utf8)
            var first = true
            _ = try await PSIClient.intersection(setPath: setPath, transport: transport, options: options) { _, element throws(PSIError) in
                if !first { pending.append(UInt8(ascii: ",")) }
                first = false
                pending += JSONValue.string(String(decoding: element, as: UTF8.self)).serializedBytes
                if pending.count >= 1 << 16 {
                    FileHandle.standardOutput.write(Data(pending))
                    pending.removeAll(keepingCapacity: true)
                }
            }
            pending += Array("]}\n".utf8)
            FileHandle.standardOutput.write(Data(pending))
        }
        return 0
    }
}
