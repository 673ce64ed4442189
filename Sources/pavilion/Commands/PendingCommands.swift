import PavilionCore
/// Commands whose modules are being merged; replaced in the next commits.
enum ConnectorsCommand { static func run(_ words: [String]) throws -> Int32 { throw UsageError("connectors: not built yet") } }
enum ConnectorCommand { static func run(_ words: [String]) throws -> Int32 { throw UsageError("connector: not built yet") } }
enum ABIBenchmark { static func run(connectorsDirectory: String) throws -> JSONValue { throw UsageError("abi: not built yet") } }
