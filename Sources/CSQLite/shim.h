#ifndef PAVILION_CSQLITE_SHIM_H
#define PAVILION_CSQLITE_SHIM_H
#include <sqlite3.h>

/* SQLITE_TRANSIENT is a macro casting -1 to a function pointer, which Swift
 * cannot import. This returns it so bind calls can ask SQLite to copy. */
static inline sqlite3_destructor_type pv_sqlite3_transient(void) {
  return SQLITE_TRANSIENT;
}
/* sqlite3_config is variadic, which Swift cannot call. This turns off
 * SQLite's memory statistics (SQLITE_CONFIG_MEMSTATUS): with them on, every
 * sqlite3_malloc and sqlite3_free takes one process-wide mutex, which the
 * store's writer and its read connections (on other threads) then contend
 * for. Must run before SQLite initialises (the first open); later it
 * returns SQLITE_MISUSE and changes nothing. */
static inline int pv_sqlite3_disable_memstatus(void) {
  return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
#endif
