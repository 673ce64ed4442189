import PavilionPlugins

/// The seam between the pipeline and the plugin registry: which connectors
/// are serving right now.
public protocol ConnectorCatalog: Sendable {
    /// The serving instance of connector `name`, or `nil`.
    func connector(named name: String) -> ConnectorInstance?
    /// Every serving instance, sorted by name.
    func servingConnectors() -> [ConnectorInstance]
}

extension ConnectorRegistry: ConnectorCatalog {
    /// ``ConnectorRegistry/instance(named:)``.
    public func connector(named name: String) -> ConnectorInstance? { instance(named: name) }

    /// The instances of every loaded connector, sorted by name.
    public func servingConnectors() -> [ConnectorInstance] {
        statuses().compactMap { status in
            guard case .loaded = status.state else { return nil }
            return instance(named: status.name)
        }
    }
}
