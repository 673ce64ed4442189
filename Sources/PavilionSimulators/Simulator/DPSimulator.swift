import PavilionCore
import PavilionCrypto
import PavilionNet

/// A data provider's public API on a real HTTP server (plain or TLS), with
/// fictional people and injectable faults: the other end of a connector's
/// exchanges in tests, in `pavilion serve --dev` and in benchmarks.
///
/// Besides the provider API (see ``SimulatorKind``) every simulator serves
/// a control API that faults never touch:
/// - `GET /_sim/faults`: the current ``SimulatorFaults`` as JSON;
/// - `POST /_sim/faults`: replace them with the JSON body (400 problem
///   details when invalid);
/// - `GET /_sim/stats`: ``SimulatorStats`` as JSON; `DELETE /_sim/stats`
///   resets them.
///
/// ```swift
/// let simulator = try DPSimulator(configuration: SimulatorConfiguration(kind: .camara))
/// try simulator.start()
/// print(simulator.url)            // http://127.0.0.1:40123
/// try simulator.setFaults(SimulatorFaults(latencyMs: 200))
/// await simulator.shutdown()
/// ```
public final class DPSimulator: Sendable {
    /// The configuration it was made with.
    public let configuration: SimulatorConfiguration
    private let core: SimulatorCore
    private let server: HTTPServer
    private let group: EventLoopGroup
    private let ownsGroup: Bool

    /// Make a simulator; nothing listens until ``start()``.
    /// - Parameters:
    ///   - configuration: kind, address, TLS, credentials, people, faults.
    ///   - group: loops to run on; nil makes a group of
    ///     `configuration.threads` loops that ``shutdown(gracePeriod:)`` stops.
    /// - Throws: ``SimulatorError`` `invalidConfiguration` (faults out of
    ///   bounds, a certificate without a key, an empty fraud list) or
    ///   `startFailed` (TLS files that do not load, no event loops, a fraud
    ///   list that cannot be preprocessed).
    public init(configuration: SimulatorConfiguration, group: EventLoopGroup? = nil) throws(SimulatorError) {
        do { try configuration.faults.validate() } catch {
            throw SimulatorError(.invalidConfiguration, error.reason)
        }
        var tls: TLSConfiguration?
        switch (configuration.tlsCertificateFile, configuration.tlsKeyFile) {
        case (nil, nil): tls = nil
        case (let cert?, let key?): tls = .server(certificateChainFile: cert, privateKeyFile: key)
        default: throw SimulatorError(.invalidConfiguration, "TLS needs both a certificate file and a key file")
        }
        self.configuration = configuration
        let core = try SimulatorCore(configuration: configuration)
        self.core = core
        if let group {
            self.group = group
            ownsGroup = false
        } else {
            do { self.group = try EventLoopGroup(threads: max(1, configuration.threads)) } catch {
                throw SimulatorError(.startFailed, "cannot start event loops: \(error)")
            }
            ownsGroup = true
        }
        // Requests may be held for the latency fault plus a stall; the
        // server's own deadline must not answer for the simulator first.
        let latency = Duration.milliseconds(SimulatorFaults.maxLatencyMs)
        let serverConfiguration = HTTPServerConfiguration(
            host: configuration.host, port: configuration.port, tls: tls,
            requestTimeout: latency + configuration.stallLimit + .seconds(30))
        do {
            server = try HTTPServer(configuration: serverConfiguration, group: self.group) { request in
                await core.handle(request)
            }
        } catch {
            if ownsGroup { self.group.shutdown() }
            throw SimulatorError(.startFailed, "cannot create the server: \(error)")
        }
    }

    /// Bind and listen.
    /// - Throws: ``SimulatorError`` `startFailed` when the address cannot be bound.
    public func start() throws(SimulatorError) {
        do { try server.start() } catch {
            throw SimulatorError(.startFailed, "cannot listen on \(configuration.host):\(configuration.port): \(error)")
        }
    }

    /// The bound port (after ``start()``).
    public var port: Int { server.port }

    /// The endpoint clients send to.
    public var endpoint: Endpoint {
        Endpoint(scheme: configuration.tlsCertificateFile == nil ? .http : .https, host: configuration.host, port: port)
    }

    /// The base URL, e.g. `http://127.0.0.1:40123` (IPv6 hosts in brackets).
    public var url: String {
        let host = configuration.host.contains(":") ? "[\(configuration.host)]" : configuration.host
        return "\(endpoint.scheme.rawValue)://\(host):\(port)"
    }

    /// The faults in effect now.
    public var faults: SimulatorFaults { core.injector.faults }

    /// Replace the faults (as `POST /_sim/faults` does).
    /// - Parameter faults: the new faults.
    /// - Throws: ``SimulatorError`` `invalidFaults` when a value is out of bounds.
    public func setFaults(_ faults: SimulatorFaults) throws(SimulatorError) {
        try faults.validate()
        core.injector.replace(faults)
    }

    /// What has been served so far.
    public var stats: SimulatorStats { core.stats.snapshot }

    /// Forget the stats (as `DELETE /_sim/stats` does).
    public func resetStats() { core.stats.reset() }

    /// Stop listening, let answers in flight finish, close what is left
    /// (stalled requests included) after `gracePeriod`, and stop the event
    /// loops if the simulator made them.
    /// - Parameter gracePeriod: the longest wait for requests in flight.
    public func shutdown(gracePeriod: Duration = .seconds(1)) async {
        await server.shutdown(gracePeriod: gracePeriod)
        if ownsGroup { group.shutdown() }
    }
}
