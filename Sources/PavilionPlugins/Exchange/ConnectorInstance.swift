import PavilionCore
import PavilionManifest
import Synchronization

/// One instance of a loaded connector, created from the manifest's
/// `spec.settings`, ready to run exchanges.
///
/// The plugin instance is destroyed when this object goes away, or by
/// ``close()`` once its last exchange has ended. Every ``Exchange`` keeps
/// its instance alive, so the plugin never sees a call after `destroy`.
/// Create and destroy are serialised per library, as the ABI requires.
public final class ConnectorInstance: Sendable {
    /// The library this instance belongs to.
    public let plugin: LoadedPlugin
    let context: InstanceContext
    private let state: Mutex<State>

    private struct State {
        var handle: PluginInstanceHandle?
        var activeExchanges = 0
        var closing = false
    }

    /// Create an instance through the plugin's `create`.
    /// - Parameters:
    ///   - plugin: the loaded library.
    ///   - settings: the settings object; the manifest's `spec.settings` unless given.
    /// - Throws: ``PluginError`` with code `createFailed` and the plugin's
    ///   message, located at `spec.settings`.
    public init(plugin: LoadedPlugin, settings: JSONValue? = nil) throws(PluginError) {
        let manifest = plugin.manifest
        self.plugin = plugin
        let context = InstanceContext(connector: manifest.name, declaredSecrets: Set(manifest.secrets.map(\.name)),
                                      services: plugin.services)
        self.context = context
        let settingsBytes = (settings ?? manifest.settings).serializedBytes
        let outcome = plugin.lifecycleLock.withLock { _ in
            plugin.vtable.create(host: plugin.library.hostTable, context: context, settings: settingsBytes)
        }
        let location = manifest.location(of: "spec.settings")
        guard outcome.status == ABI.Status.ok, let handle = outcome.instance else {
            if let stray = outcome.instance {
                plugin.lifecycleLock.withLock { _ in plugin.vtable.destroy(stray) }
            }
            let name = ConnectorFailure.Code(pluginStatus: outcome.status)?.rawValue ?? "status \(outcome.status)"
            let reason = LogText.bounded(outcome.message, limit: ConnectorFailure.maxMessageBytes)
            let detail = outcome.status == ABI.Status.ok ? "returned PV_OK without an instance" : "failed (\(name))"
            throw PluginError(.createFailed,
                              "create of connector '\(manifest.name)' \(detail)\(reason.isEmpty ? "" : ": \(reason)")",
                              at: location)
        }
        state = Mutex(State(handle: handle))
    }

    deinit {
        destroyNow()
    }

    /// The connector's manifest name.
    public var name: String { plugin.manifest.name }

    /// The host's number for this instance, as stamped on its log lines.
    public var instanceID: UInt64 { context.instanceID }

    /// Whether the plugin instance still exists.
    public var isAlive: Bool { state.withLock { $0.handle != nil } }

    /// Exchanges begun and not yet ended.
    public var activeExchanges: Int { state.withLock { $0.activeExchanges } }

    /// Accept no new exchanges; destroy the plugin instance as soon as the
    /// running ones have ended (now, if none are running).
    public func close() {
        let destroy = state.withLock { state -> Bool in
            state.closing = true
            return state.activeExchanges == 0
        }
        if destroy { destroyNow() }
    }

    /// A new exchange on this instance, not yet begun.
    public func makeExchange() -> Exchange { Exchange(instance: self) }

    // MARK: - Exchange bookkeeping

    /// Count one more running exchange, or refuse if closing.
    func acquire() -> PluginInstanceHandle? {
        state.withLock { state in
            guard !state.closing, let handle = state.handle else { return nil }
            state.activeExchanges += 1
            return handle
        }
    }

    /// Count one exchange fewer; destroy if closing and idle.
    func release() {
        let destroy = state.withLock { state -> Bool in
            state.activeExchanges -= 1
            return state.closing && state.activeExchanges == 0
        }
        if destroy { destroyNow() }
    }

    private func destroyNow() {
        let handle = state.withLock { state -> PluginInstanceHandle? in
            defer { state.handle = nil }
            return state.handle
        }
        guard let handle else { return }
        plugin.lifecycleLock.withLock { _ in plugin.vtable.destroy(handle) }
    }
}
