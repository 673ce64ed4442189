/* Exports no pv_connector_entry. */
#include <pavilion/connector.h>

int pv_connector_entry_misspelled(void) { return 1; }
