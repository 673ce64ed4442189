#ifndef PAVILION_CPKCS11_SHIM_H
#define PAVILION_CPKCS11_SHIM_H
/* The PKCS #11 (Cryptoki) v2.40 types, constants and CK_FUNCTION_LIST, for
 * PavilionHSM to call a module it loads with dlopen. Nothing is linked: every
 * call goes through the module's own function list.
 *
 * pkcs11.h beside this file is p11-kit's header, copied unmodified from
 * Debian bookworm's libp11-kit-dev 0.24.1-2
 * (/usr/include/p11-kit-1/p11-kit/pkcs11.h; upstream
 * https://github.com/p11-glue/p11-kit, common/pkcs11.h). It implements the
 * OASIS PKCS #11 standard's published definitions; its notice grants
 * unlimited permission to copy it as long as the notice is preserved.
 * CRYPTOKI_COMPAT (its default) gives the standard's spelling: CK_ULONG is
 * `unsigned long`, and structures are not packed on Unix (the header packs
 * only for _WIN32), as the standard's Unix ABI requires. See SOURCES. */
#include "pkcs11.h"

/* CKM_EC_EDWARDS_KEY_PAIR_GEN, CKM_EDDSA and CKK_EC_EDWARDS come from
 * PKCS #11 3.0; the header above already carries them. */

#endif
