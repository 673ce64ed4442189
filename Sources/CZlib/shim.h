#ifndef PAVILION_CZLIB_SHIM_H
#define PAVILION_CZLIB_SHIM_H
/* zlib (zlib1g-dev): raw DEFLATE (RFC 1951), ZLIB (RFC 1950) and GZIP
 * (RFC 1952) streams for the status lists in PavilionCredentials/Status. */
#include <zlib.h>
#endif
