import PavilionConnectorKit

/// The connector's entry symbol (`PV_ENTRY_SYMBOL`): the one line the kit needs.
@_cdecl("pv_connector_entry")
public func pv_connector_entry(_ abi: UInt32, _ host: OpaquePointer?) -> OpaquePointer? {
    exportConnector(FraudListConnector.self, abi, host)
}
