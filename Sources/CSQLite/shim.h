#ifndef PAVILION_CSQLITE_SHIM_H
#define PAVILION_CSQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift
 * cannot import. This returns it so bind calls can ask SQLite to copy. */
static inline sqlite3_destructor_type pv_sqlite3_transient(void) {
  return SQLITE_TRANSIENT;
}
#endif
