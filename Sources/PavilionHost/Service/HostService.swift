import Foundation
import PavilionCore
import PavilionCrypto
import PavilionManifest
import PavilionHSM
import PavilionNet
import PavilionPlugins
import PavilionStore
import Synchronization

/// The running broker: the API on an HTTP(S) server, the connector registry
/// watching `connectors_dir`, the DP client, secrets and metrics — built
/// from a ``HostConfiguration`` and an open ``Store``.
///
/// `pavilion serve` opens the store, calls ``start(configuration:store:logger:)``,
/// and maps SIGHUP to ``reload(configuration:)`` and SIGTERM to
/// ``shutdown(gracePeriod:)``. Dev mode is the same: generate a config and
/// bootstrap the store, then start this.
public final class HostService: Sendable {
    /// The API handler.
    public let api: HostAPI
    /// The connector registry.
    public let registry: ConnectorRegistry
    /// The metrics registry.
    public let metrics: Metrics
    /// The pipeline (its settings change on reload).
    public let pipeline: VerificationPipeline
    private let store: any Store
    private let logger: Logger
    private let group: EventLoopGroup
    private let client: HTTPClient
    private let secrets: SecretsFile
    private let state: Mutex<State>

    private struct State {
        var configuration: HostConfiguration
        var server: HTTPServer
        var watcher: DirectoryWatcher?
        var stopped = false
    }

    private init(api: HostAPI, registry: ConnectorRegistry, metrics: Metrics, pipeline: VerificationPipeline, store: any Store,
                 logger: Logger, group: EventLoopGroup, client: HTTPClient, secrets: SecretsFile, state: State) {
        self.api = api
        self.registry = registry
        self.metrics = metrics
        self.pipeline = pipeline
        self.store = store
        self.logger = logger
        self.group = group
        self.client = client
        self.secrets = secrets
        self.state = Mutex(state)
    }

    /// Build and start everything; logs one `ready` line with the URL.
    /// - Parameters:
    ///   - configuration: the checked configuration.
    ///   - store: the open store.
    ///   - logger: the JSON logger (its level is taken from the configuration).
    ///   - threads: event-loop threads; else the configuration's `event_loops`, else ``defaultEventLoops``.
    /// - Returns: the running service.
    /// - Throws: ``HostServiceError``.
    public static func start(configuration: HostConfiguration, store: any Store, logger baseLogger: Logger,
                             threads: Int? = nil) throws(HostServiceError) -> HostService {
        var logger = baseLogger
        logger.level = configuration.logLevel
        let secrets = SecretsFile()
        if let path = configuration.secretsFile {
            do { secrets.replace(with: try SecretsFile.load(path: path)) } catch {
                throw HostServiceError(.configuration, error.description)
            }
        }
        let group: EventLoopGroup
        do {
            group = try EventLoopGroup(threads: threads ?? configuration.eventLoops ?? defaultEventLoops)
        } catch {
            throw HostServiceError(.network, "cannot start event loops: \(error)")
        }
        let client: HTTPClient
        let connectivityEvents = ConnectivityEventLog(logger: logger)
        let tracker = ConnectionTracker(events: connectivityEvents)
        let clientConfiguration = HTTPClientConfiguration(
            tls: TLSConfiguration.client(trustRoots: configuration.dpCAFile.map { .caFile($0) } ?? .system),
            maxResponseBytes: 1 << 20, maxIdlePerEndpoint: 256, connectionEvents: tracker.observer)
        do {
            client = try HTTPClient(group: group, configuration: clientConfiguration)
        } catch {
            group.shutdown()
            throw HostServiceError(.network, "cannot create the data-provider client: \(error)")
        }
        let metrics = Metrics()
        let cache = URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("plugin-cache")
        let services = PluginServices(logSink: PluginLogBridge(logger: logger), secrets: secrets)
        let dataStages = DataStageCache()
        let registry = ConnectorRegistry(loader: LibraryLoader(cacheDirectory: cache, services: services),
                                         manifests: DataManifestSource(cache: dataStages))
        let dataKeys: TenantDataKeys
        do { dataKeys = try TenantDataKeys.open(dataDirectory: configuration.dataDirectory) } catch {
            client.shutdown()
            group.shutdown()
            throw HostServiceError(.configuration, "data hashing key: \(error)")
        }
        var issuer: CredentialIssuer?
        var logKeySigner: (any Signer)?
        let logKey = configuration.privacy?.logKey
        if let credentials = configuration.credentials {
            let credentialStore = store as? any CredentialStore
            do {
                let registry = try SigningKeyRegistry(credentials, store: credentialStore)
                let status = credentialStore.map {
                    CredentialStatusService(store: $0, capacity: credentials.statusListSize,
                                            timeToLiveSeconds: credentials.statusTimeToLiveSeconds, baseURL: credentials.statusBaseURL)
                }
                issuer = CredentialIssuer(registry: registry, status: status, tenantMaxAgeSeconds: credentials.tenantMaxAgeSeconds)
                if let logKey { logKeySigner = try registry.sourceSigner(label: logKey) }
            } catch {
                client.shutdown()
                group.shutdown()
                throw HostServiceError(.configuration, "credentials: \(error)")
            }
        }
        let privacy: PrivacyEngine
        do {
            let logSigner = try logKey.flatMap { label throws(HostServiceError) -> HSMLogSigner? in
                guard let signer = logKeySigner else {
                    throw HostServiceError(.configuration, "privacy.log_key \(label) is not a key of the credentials: key source")
                }
                return try HSMLogSigner(signer: signer)
            }
            privacy = try PrivacyEngine(configuration: configuration.privacy, dataDirectory: configuration.dataDirectory, store: store,
                                        logSigner: logSigner, maxBodyBytes: configuration.limits.maxBodyBytes)
        } catch {
            client.shutdown()
            group.shutdown()
            throw error
        }
        let transport = ConnectivityTransport(client: client, events: connectivityEvents, tracker: tracker, metrics: metrics,
                                              group: group, configuration: clientConfiguration)
        transport.setClientCertificates(configuration.clientCertificates)
        let pipeline = VerificationPipeline(store: store, connectors: registry, transport: transport,
                                            metrics: metrics, logger: logger, settings: settings(from: configuration),
                                            credentials: issuer, privacy: privacy, dataStages: dataStages, dataKeys: dataKeys)
        transport.startHealthChecks(catalog: registry) { [weak pipeline] in pipeline?.currentSettings.endpointOverrides ?? [:] }
        let api = HostAPI(store: store, connectors: registry, pipeline: pipeline, metrics: metrics, logger: logger,
                          credentials: issuer, statusFetcher: HTTPStatusListFetcher(client: client),
                          didWebFetcher: HTTPDIDWebFetcher(client: client), privacy: privacy, connectivity: transport)
        let server: HTTPServer
        do {
            server = try makeServer(configuration, api: api, group: group)
            try server.start()
        } catch {
            transport.shutdown()
            client.shutdown()
            group.shutdown()
            throw HostServiceError(.listen, "cannot listen on \(configuration.listen.host):\(configuration.listen.port): \(error)")
        }
        let service = HostService(api: api, registry: registry, metrics: metrics, pipeline: pipeline, store: store, logger: logger,
                                  group: group, client: client, secrets: secrets,
                                  state: State(configuration: configuration, server: server))
        service.registerGauges()
        Self.observeCommits(of: store, metrics: metrics, logger: logger)
        privacy.receipts.startSigning(every: .milliseconds(privacy.configuration.logSignIntervalMilliseconds), logger: logger)
        issuer?.status?.setBaseURLIfUnset(service.baseURL)
        service.watchConnectors(configuration.connectorsDirectory)
        logger.info("ready", ["url": .string(service.baseURL), "connectors": .array(registry.servingConnectors().map { .string($0.name) }),
                              "config": .string(configuration.file)])
        return service
    }

    /// Event-loop threads when neither the caller nor `event_loops` says: one
    /// per core. (On the 2-core bench machine one loop, leaving a core to the
    /// store's writer, gave more verifications/s at peak but a longer p50 at
    /// half load and less headroom for bursts; see `docs/benchmarks.md`.)
    public static var defaultEventLoops: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }

    /// The bound port.
    public var port: Int { state.withLock { $0.server.port } }

    /// `https://host:port` (or `http://` with `tls: off`).
    public var baseURL: String {
        state.withLock { state in
            let c = state.configuration
            let host = c.listen.host.contains(":") ? "[\(c.listen.host)]" : c.listen.host
            return "\(c.tls == nil ? "http" : "https")://\(host):\(state.server.port)"
        }
    }

    /// The configuration in force.
    public var configuration: HostConfiguration { state.withLock { $0.configuration } }

    /// Apply a new configuration (SIGHUP): secrets, endpoint overrides,
    /// region and log level at once; limits and TLS by starting a new
    /// listener on the same port (`SO_REUSEPORT`) and draining the old one;
    /// then reload the connectors folder. `listen` and `data_dir` need a restart.
    /// - Throws: ``HostServiceError``; nothing is changed when it throws.
    public func reload(configuration new: HostConfiguration) async throws(HostServiceError) {
        let old = configuration
        guard new.listen == old.listen || (new.listen.host == old.listen.host && new.listen.port == 0) else {
            throw HostServiceError(.restartRequired, "listen changed from \(old.listen.host):\(old.listen.port) to \(new.listen.host):\(new.listen.port); restart to apply")
        }
        guard new.dataDirectory == old.dataDirectory else {
            throw HostServiceError(.restartRequired, "data_dir changed; restart to apply")
        }
        guard new.eventLoops == old.eventLoops else {
            throw HostServiceError(.restartRequired, "event_loops changed; restart to apply")
        }
        guard new.privacy == old.privacy else {
            throw HostServiceError(.restartRequired, "privacy changed; restart to apply")
        }
        var table: SecretsFile.Table = [:]
        if let path = new.secretsFile {
            do { table = try SecretsFile.load(path: path) } catch { throw HostServiceError(.configuration, error.description) }
        }
        var replacement: HTTPServer?
        if new.limits != old.limits || new.tls != old.tls {
            var listenConfig = new
            listenConfig.listen.port = port
            do {
                let server = try Self.makeServer(listenConfig, api: api, group: group)
                try server.start()
                replacement = server
            } catch {
                throw HostServiceError(.listen, "cannot apply the new limits or TLS: \(error)")
            }
        }
        secrets.replace(with: table)
        pipeline.update(Self.settings(from: new))
        api.connectivity?.setClientCertificates(new.clientCertificates)
        if let keys = api.credentials?.registry {
            do { try await keys.refresh() } catch {
                logger.warn("cannot reload the signing key registry", ["error": .string("\(error)")])
            }
        }
        let (retired, connectorsMoved) = state.withLock { state -> (HTTPServer?, Bool) in
            let moved = state.configuration.connectorsDirectory != new.connectorsDirectory
            state.configuration = new
            guard let replacement else { return (nil, moved) }
            defer { state.server = replacement }
            return (state.server, moved)
        }
        if connectorsMoved {
            watchConnectors(new.connectorsDirectory)
        } else {
            registry.reload(directory: URL(fileURLWithPath: new.connectorsDirectory))
        }
        logger.info("reloaded", ["config": .string(new.file), "listener_replaced": .bool(retired != nil),
                                 "connectors": .array(registry.servingConnectors().map { .string($0.name) })])
        if let retired { await retired.shutdown(gracePeriod: .seconds(10)) }
    }

    /// Stop accepting, let in-flight requests finish (at most `gracePeriod`),
    /// stop watching connectors, stop the receipt log's background signer
    /// (signing a last tree head for the final receipts) and close the DP
    /// client and loops.
    public func shutdown(gracePeriod: Duration = .seconds(10)) async {
        let (server, watcher, already) = state.withLock { state in
            defer { state.stopped = true; state.watcher = nil }
            return (state.server, state.watcher, state.stopped)
        }
        guard !already else { return }
        api.setDraining(true)
        logger.info("draining", ["grace_ms": .int(gracePeriod.components.seconds * 1000)])
        watcher?.stop()
        await server.shutdown(gracePeriod: gracePeriod)
        await api.privacy?.receipts.stopSigning(logger: logger)
        api.connectivity?.shutdown()
        client.shutdown()
        group.shutdown()
        logger.info("stopped")
    }

    // MARK: - Wiring

    private func watchConnectors(_ directory: String) {
        let watcher = registry.watch(directory: URL(fileURLWithPath: directory))
        let old = state.withLock { state -> DirectoryWatcher? in
            defer { state.watcher = watcher }
            return state.watcher
        }
        old?.stop()
        for (file, problem) in registry.fileProblems.sorted(by: { $0.key < $1.key }) {
            logger.warn("connector manifest refused", ["file": .string(file), "error": .string(problem)])
        }
    }

    /// A durable commit that takes longer than this is logged.
    static let slowCommit = Duration.milliseconds(100)

    /// Group commits in `/metrics` (`pavilion_store_commit_seconds`,
    /// `pavilion_store_commit_verifications`) and a warning for each slow one:
    /// every verification of the group waited for it, and a slow flush is
    /// the disk's (docs/operations.md).
    static func observeCommits(of store: any Store, metrics: Metrics, logger: Logger) {
        metrics.histogram("pavilion_store_commit_seconds",
                          help: "Time of one group commit of verifications: inserts, commit and its flush to disk.")
        metrics.histogram("pavilion_store_commit_verifications", help: "Verifications stored by one group commit.",
                          buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256])
        store.observeCommits { duration, verifications in
            let seconds = duration.inSeconds
            metrics.observe("pavilion_store_commit_seconds", [], seconds)
            metrics.observe("pavilion_store_commit_verifications", [], Double(verifications))
            if duration > slowCommit {
                logger.warn("slow durable commit", ["ms": .int(Int64(seconds * 1000)), "verifications": .int(Int64(verifications))])
            }
        }
    }

    private func registerGauges() {
        metrics.gauge("pavilion_open_connections", help: "Client connections open on the API listener.") { [weak self] in
            guard let self else { return [] }
            return [([], Double(self.state.withLock { $0.server.counters.openConnections }))]
        }
        metrics.gauge("pavilion_connector_state", help: "1 for each connector's current state.", labels: ["connector", "state"]) {
            [weak self] in
            guard let self else { return [] }
            return self.registry.statuses().map { status in
                let name: String
                switch status.state {
                case .loaded: name = "loaded"
                case .failed: name = "failed"
                case .draining: name = "draining"
                }
                return ([status.name, name], 1)
            }
        }
    }

    static func settings(from configuration: HostConfiguration) -> PipelineSettings {
        PipelineSettings(policy: VerificationPolicy(hostRegion: configuration.region),
                         endpointOverrides: configuration.endpointOverrides,
                         budget: .milliseconds(configuration.limits.requestTimeoutMs))
    }

    static func makeServer(_ configuration: HostConfiguration, api: HostAPI, group: EventLoopGroup) throws(HTTPServerError) -> HTTPServer {
        let limits = configuration.limits
        let tls = configuration.tls.map {
            TLSConfiguration.server(certificateChainFile: $0.certificate, privateKeyFile: $0.privateKey, clientCAFile: $0.clientCA)
        }
        let serverConfig = HTTPServerConfiguration(
            host: configuration.listen.host, port: configuration.listen.port, tls: tls,
            limits: HTTPRequestLimits(maxHeaderBytes: limits.maxHeaderBytes, maxBodyBytes: limits.maxBodyBytes),
            headerTimeout: .milliseconds(limits.headerTimeoutMs), idleTimeout: .milliseconds(limits.idleTimeoutMs),
            // The pipeline answers 504 at its budget; the server's own deadline is a backstop behind it.
            requestTimeout: .milliseconds(limits.requestTimeoutMs + 5_000))
        return try HTTPServer(configuration: serverConfig, group: group) { request in await api.handle(request) }
    }
}
