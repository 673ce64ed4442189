import Dispatch
import Foundation
import PavilionHost
import PavilionStore
import Synchronization

/// `pavilion serve --config FILE`: run the service in the foreground with
/// JSON logs on stderr. SIGHUP reloads the configuration and the connectors;
/// SIGTERM or SIGINT stops accepting, drains in-flight requests (at most
/// 10 s) and exits 0.
///
/// Dev mode (`serve --dev`) is meant to be: generate a configuration and
/// bootstrap the store, then call ``serve(configuration:store:logger:)``
/// like this command does.
enum ServeCommand {
    /// The longest a drain may take before connections are closed.
    static let drainPeriod: Duration = .seconds(10)

    static func run(_ words: [String]) throws -> Int32 {
        let args = try Arguments(words, flags: ["dev"], options: ["config", "data", "connectors", "port"])
        if args.flag("dev") {
            guard args.option("config") == nil, args.positional.isEmpty else {
                throw UsageError("serve --dev takes --data DIR, --connectors DIR and --port N, not --config")
            }
            return try DevServe.run(args)
        }
        guard let path = args.option("config"), args.positional.isEmpty,
              args.option("data") == nil, args.option("connectors") == nil, args.option("port") == nil else {
            throw UsageError("serve needs --config FILE (or --dev)")
        }
        let configuration: HostConfiguration
        do { configuration = try HostConfiguration.load(path: path) } catch {
            Output.err(error.description)
            return 1
        }
        let logger = Logger(level: configuration.logLevel,
                            sink: BackgroundLogSink(base: StandardErrorLogSink()))
        defer { logger.flush() }
        let store: SQLiteStore
        do { store = try SQLiteStore(dataDirectory: configuration.dataDirectory) } catch {
            logger.error("cannot open the store", ["data_dir": .string(configuration.dataDirectory), "error": .string(error.description)])
            return 1
        }
        return serve(configuration: configuration, store: store, logger: logger)
    }

    /// Start the service and block until SIGTERM or SIGINT has drained it.
    /// - Parameter onReady: called once the service listens (dev mode writes
    ///   dev.json and prints its example there); an error stops the service.
    /// - Returns: the exit status: 0 after a clean drain, 1 when it could not start.
    static func serve(configuration: HostConfiguration, store: any Store, logger: Logger,
                      onReady: (HostService) throws -> Void = { _ in }) -> Int32 {
        for sig in [SIGHUP, SIGTERM, SIGINT] { signal(sig, SIG_IGN) }
        let service: HostService
        do { service = try HostService.start(configuration: configuration, store: store, logger: logger) } catch {
            logger.error("cannot start", ["error": .string(error.description)])
            return 1
        }
        do {
            try onReady(service)
        } catch {
            logger.error("cannot start", ["error": .string("\(error)")])
            Blocking.wait { await service.shutdown(gracePeriod: .seconds(1)) }
            return 1
        }
        let queue = DispatchQueue(label: "pavilion.serve.signals")
        let stopped = DispatchSemaphore(value: 0)
        let stopping = Atomic<Bool>(false)
        let configPath = configuration.file

        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: queue)
        hangup.setEventHandler {
            logger.info("SIGHUP: reloading", ["config": .string(configPath)])
            let new: HostConfiguration
            do { new = try HostConfiguration.load(path: configPath) } catch {
                logger.error("reload refused: the configuration has problems; keeping the current one",
                             ["errors": .string("\(error)")])
                return
            }
            Task {
                do { try await service.reload(configuration: new) } catch {
                    logger.error("reload refused; keeping the current configuration", ["error": .string("\(error)")])
                }
            }
        }
        var sources = [hangup]
        for sig in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler {
                guard !stopping.exchange(true, ordering: .relaxed) else { return }
                logger.info("stopping", ["signal": .string(sig == SIGTERM ? "SIGTERM" : "SIGINT")])
                Task {
                    await service.shutdown(gracePeriod: drainPeriod)
                    stopped.signal()
                }
            }
            sources.append(source)
        }
        sources.forEach { $0.resume() }
        stopped.wait()
        sources.forEach { $0.cancel() }
        return 0
    }
}
